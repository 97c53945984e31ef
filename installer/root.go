package installer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Root is the folder the installer's paths are under: "" or "/" is the
// machine itself; tests point it at a scratch folder (node_exporter's
// --path.rootfs).
type Root string

// Real reports whether r is the machine's own root.
func (r Root) Real() bool {
	return r == "" || r == "/" || r == `\`
}

// Path returns where the OS path p is under r.
func (r Root) Path(p string) string {
	if r.Real() {
		return p
	}
	return filepath.Join(string(r), strings.TrimPrefix(p, filepath.VolumeName(p)))
}

// access is who may do what with a file or folder the installer writes.
// Every OS file's setAccess turns it into modes and owners or an ACL.
type access int

const (
	// accessPublic: everyone reads, only administrators write (config,
	// service definitions, their folders).
	accessPublic access = iota
	// accessProgram: everyone reads and runs, only administrators write.
	accessProgram
	// accessPrivate: administrators only (the state folder).
	accessPrivate
	// accessLogs: administrators write, their group reads (log folders).
	accessLogs
)

// Windows security descriptors (SDDL) of each access: protected (nothing
// inherited from the parent, whose ACL may let users create files, as
// %ProgramData%'s does), SYSTEM and Administrators in full control, and for
// public files read and execute for Users.
const (
	sddlPublicDir   = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)(A;OICI;FRFX;;;BU)"
	sddlPublicFile  = "D:P(A;;FA;;;SY)(A;;FA;;;BA)(A;;FRFX;;;BU)"
	sddlPrivateDir  = "D:P(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)"
	sddlPrivateFile = "D:P(A;;FA;;;SY)(A;;FA;;;BA)"
)

// files does the installer's file work under a root and keeps the list of
// folders it created, so that uninstall removes exactly those.
type files struct {
	root    Root
	created []string // OS paths of folders created, in creation order
	later   []string // OS paths that go at the next restart (Windows: in use)
}

// mkdir makes the folder p with access a, and its missing parents with
// accessPublic. An existing p keeps its permissions unless own, when p is
// dataward's own folder and gets a again.
func (f *files) mkdir(p string, a access, own bool) error {
	var missing []string
	for q := p; ; q = filepath.Dir(q) {
		fi, err := os.Lstat(f.root.Path(q))
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("creating %s: %s is not a folder", p, q)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("creating %s: %w", p, err)
		}
		missing = append(missing, q)
		if filepath.Dir(q) == q {
			break
		}
	}
	slices.Reverse(missing)
	for _, q := range missing {
		qa := accessPublic
		if q == p {
			qa = a
		}
		if err := os.Mkdir(f.root.Path(q), 0o700); err != nil {
			return fmt.Errorf("creating %s: %w", q, err)
		}
		f.created = append(f.created, q)
		if err := setAccess(f.root.Path(q), qa, true); err != nil {
			return fmt.Errorf("setting permissions of %s: %w", q, err)
		}
	}
	if own && len(missing) == 0 {
		if err := setAccess(f.root.Path(p), a, true); err != nil {
			return fmt.Errorf("setting permissions of %s: %w", p, err)
		}
	}
	return nil
}

// write replaces the file p with data atomically (a temporary file in the
// same folder, synced, renamed over p), creating its folder if need be.
func (f *files) write(p string, data []byte, a access) error {
	return f.writeFrom(p, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, a)
}

// copyFile installs the file src (a path on the machine, not under the
// root) at p, atomically.
func (f *files) copyFile(p, src string, a access) error {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("reading %s: %w", src, err)
	}
	defer in.Close()
	return f.writeFrom(p, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	}, a)
}

func (f *files) writeFrom(p string, fill func(io.Writer) error, a access) error {
	if err := f.mkdir(filepath.Dir(p), accessPublic, false); err != nil {
		return err
	}
	real := f.root.Path(p)
	tmp, err := os.CreateTemp(filepath.Dir(real), "."+filepath.Base(real)+".new-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := fill(tmp); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	if err := setAccess(tmp.Name(), a, false); err != nil {
		return fmt.Errorf("setting permissions of %s: %w", p, err)
	}
	if err := replace(tmp.Name(), real); err != nil {
		return fmt.Errorf("writing %s: %w", p, err)
	}
	done = true
	syncDir(filepath.Dir(real))
	return nil
}

// symlink makes p a symbolic link to target, replacing a link already
// there.
func (f *files) symlink(p, target string) error {
	real := f.root.Path(p)
	if fi, err := os.Lstat(real); err == nil {
		if fi.Mode()&fs.ModeSymlink == 0 {
			return fmt.Errorf("linking %s: a file that is not a link is in the way", p)
		}
		if t, err := os.Readlink(real); err == nil && t == target {
			return nil
		}
		if err := os.Remove(real); err != nil {
			return fmt.Errorf("linking %s: %w", p, err)
		}
	}
	if err := os.Symlink(target, real); err != nil {
		return fmt.Errorf("linking %s: %w", p, err)
	}
	return nil
}

// exists reports whether p exists (without following a final link).
func (f *files) exists(p string) bool {
	_, err := os.Lstat(f.root.Path(p))
	return err == nil
}

// remove removes the file or empty folder p and reports whether it was
// there.
func (f *files) remove(p string) (bool, error) {
	err := os.Remove(f.root.Path(p))
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, fs.ErrNotExist):
		return false, nil
	case removeLater(f.root.Path(p)):
		f.later = append(f.later, p)
		return true, nil
	}
	return false, fmt.Errorf("removing %s: %w", p, err)
}

// removeAll removes p and everything under it and reports whether it was
// there.
func (f *files) removeAll(p string) (bool, error) {
	if !f.exists(p) {
		return false, nil
	}
	if err := os.RemoveAll(f.root.Path(p)); err != nil {
		return true, fmt.Errorf("removing %s: %w", p, err)
	}
	return true, nil
}

// empty reports whether p is a folder with nothing in it but what goes at
// the next restart.
func (f *files) empty(p string) bool {
	entries, err := os.ReadDir(f.root.Path(p))
	if err != nil {
		return false
	}
	for _, e := range entries {
		if !slices.Contains(f.later, filepath.Join(p, e.Name())) {
			return false
		}
	}
	return true
}

// syncDir makes a rename in dir durable; best effort (Windows cannot sync
// a folder).
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
