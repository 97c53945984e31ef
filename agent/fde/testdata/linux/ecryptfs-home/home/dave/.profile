# dave
