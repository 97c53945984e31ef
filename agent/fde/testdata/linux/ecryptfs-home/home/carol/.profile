# carol
