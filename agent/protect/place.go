package protect

import "io/fs"

// Every OS file defines:
//
//	renameNoReplace(from, to string) error
//		renames the file from to to atomically, failing with an error that
//		matches fs.ErrExist, and changing nothing, if to exists.
//	syncDir(dir string) error
//		makes a rename in dir durable where the OS can.

// fileMode is the permission every output gets: readable by its owner
// alone until it is sent.
const fileMode fs.FileMode = 0o600
