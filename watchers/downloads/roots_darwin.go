package downloads

func findDownloads(sys System) ([]Root, []error, error) { return findUsersFolders(sys) }
