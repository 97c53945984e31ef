package erase

import (
	"errors"
	"fmt"
	"os"
	"path"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// Win32 takes both separators. A colon names a drive ("C:x") or an NTFS
// alternate data stream ("f:s"), never a plain file (MS docs, "Naming
// Files, Paths, and Namespaces").
var pathSyntax = pathRules{seps: `\/`, forbidden: ":"}

type osHandle struct {
	// dir is the parent folder: the rename names the new file relative to
	// it, so no path is parsed against the process's current directory.
	dir windows.Handle
}

const shareAll = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE

func openBeneath(root string, comps []string, write bool, want *Identity) (_ *handle, err error) {
	p, err := windows.UTF16PtrFromString(root)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: root, Err: err}
	}
	// FILE_FLAG_OPEN_REPARSE_POINT opens a symbolic link or junction as
	// itself, so the checks below see it instead of its target (CreateFileW
	// doc); FILE_FLAG_BACKUP_SEMANTICS is needed to open a folder at all.
	dir, err := windows.CreateFile(p, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES|windows.SYNCHRONIZE,
		shareAll, nil, windows.OPEN_EXISTING, windows.FILE_FLAG_BACKUP_SEMANTICS|windows.FILE_FLAG_OPEN_REPARSE_POINT, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: root, Err: err}
	}
	defer func() {
		if dir != 0 {
			windows.CloseHandle(dir)
		}
	}()
	rootInfo, _, err := statHandle(dir)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", root, err)
	}
	if rootInfo.kind != kindDir {
		return nil, fmt.Errorf("root %s: %w: a link or not a folder", root, ErrReplaced)
	}
	dirs, name := comps[:len(comps)-1], comps[len(comps)-1]
	for i, c := range dirs {
		next, err := openAt(dir, c, windows.FILE_LIST_DIRECTORY|windows.FILE_READ_ATTRIBUTES, shareAll, 0)
		if err != nil {
			return nil, &os.PathError{Op: "open", Path: path.Join(dirs[:i+1]...), Err: err}
		}
		windows.CloseHandle(dir)
		dir = next
		fi, _, err := statHandle(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path.Join(dirs[:i+1]...), err)
		}
		if fi.kind != kindDir {
			return nil, fmt.Errorf("%s: %w: a link or not a folder", path.Join(dirs[:i+1]...), ErrReplaced)
		}
	}

	// Share mode 0 for the erase: the open fails while anyone else has the
	// file open, and nobody can open it until we are done (CreateFileW doc,
	// dwShareMode). Identify lets other readers in.
	access, share, options := uint32(windows.FILE_GENERIC_READ), uint32(windows.FILE_SHARE_READ), uint32(0)
	if write {
		access |= windows.FILE_GENERIC_WRITE | windows.DELETE
		share = 0
		options = windows.FILE_WRITE_THROUGH
	}
	fh, err := openAt(dir, name, access, share, options)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: name, Err: err}
	}
	h := &handle{f: os.NewFile(uintptr(fh), name), inPlace: true, rootDev: rootInfo.dev, osHandle: osHandle{dir: dir}}
	dir = 0 // h owns it now
	defer func() {
		if err != nil {
			h.close()
		}
	}()
	var attrs uint32
	if h.info, attrs, err = statHandle(fh); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if h.info.kind != kindRegular {
		return h, nil // verify refuses it
	}
	for _, a := range []struct {
		bit  uint32
		name string
	}{
		{windows.FILE_ATTRIBUTE_COMPRESSED, "compressed"},
		{windows.FILE_ATTRIBUTE_SPARSE_FILE, "sparse"},
		{windows.FILE_ATTRIBUTE_ENCRYPTED, "encrypted"},
	} {
		if attrs&a.bit != 0 {
			h.inPlace, h.note = false, skipNote(a.name)
			return h, nil
		}
	}
	var fs [windows.MAX_PATH + 1]uint16
	if windows.GetVolumeInformationByHandle(fh, nil, 0, nil, nil, nil, &fs[0], uint32(len(fs))) == nil {
		h.note = overwriteNote(windows.UTF16ToString(fs[:]))
	}
	return h, nil
}

// openAt opens name in the folder dir with NtCreateFile, relative to dir's
// handle, so nothing above dir is looked up again. FILE_OPEN_REPARSE_POINT
// opens a link or junction as itself rather than following it (NtCreateFile
// doc, CreateOptions).
func openAt(dir windows.Handle, name string, access, share, options uint32) (windows.Handle, error) {
	us, err := windows.NewNTUnicodeString(name)
	if err != nil {
		return windows.InvalidHandle, err
	}
	oa := windows.OBJECT_ATTRIBUTES{RootDirectory: dir, ObjectName: us, Attributes: windows.OBJ_CASE_INSENSITIVE}
	oa.Length = uint32(unsafe.Sizeof(oa))
	var h windows.Handle
	err = windows.NtCreateFile(&h, access|windows.SYNCHRONIZE, &oa, &windows.IO_STATUS_BLOCK{}, nil, 0, share,
		windows.FILE_OPEN, options|windows.FILE_OPEN_REPARSE_POINT|windows.FILE_SYNCHRONOUS_IO_NONALERT|windows.FILE_OPEN_FOR_BACKUP_INTENT, 0, 0)
	if s, ok := err.(windows.NTStatus); ok {
		// As a Win32 error, so errors.Is(err, fs.ErrNotExist) works.
		return windows.InvalidHandle, s.Errno()
	}
	return h, err
}

// fileStandardInfo is FILE_STANDARD_INFO (winbase.h).
type fileStandardInfo struct {
	AllocationSize int64
	EndOfFile      int64
	NumberOfLinks  uint32
	DeletePending  bool
	Directory      bool
}

// statHandle returns what the checks need and the file attributes. The
// identity is the volume serial number and the 64-bit file index
// (BY_HANDLE_FILE_INFORMATION doc).
func statHandle(h windows.Handle) (fileInfo, uint32, error) {
	var d windows.ByHandleFileInformation
	if err := windows.GetFileInformationByHandle(h, &d); err != nil {
		return fileInfo{}, 0, fmt.Errorf("GetFileInformationByHandle: %w", err)
	}
	fi := fileInfo{
		kind:  kindRegular,
		dev:   uint64(d.VolumeSerialNumber),
		ino:   uint64(d.FileIndexHigh)<<32 | uint64(d.FileIndexLow),
		nlink: uint64(d.NumberOfLinks),
		size:  int64(d.FileSizeHigh)<<32 | int64(d.FileSizeLow),
		mtime: time.Unix(0, d.LastWriteTime.Nanoseconds()),
	}
	switch {
	case d.FileAttributes&windows.FILE_ATTRIBUTE_REPARSE_POINT != 0:
		fi.kind = kindLink
	case d.FileAttributes&windows.FILE_ATTRIBUTE_DIRECTORY != 0:
		fi.kind = kindDir
	}
	fi.alloc = fi.size
	var std fileStandardInfo
	if fi.kind == kindRegular &&
		windows.GetFileInformationByHandleEx(h, windows.FileStandardInfo, (*byte)(unsafe.Pointer(&std)), uint32(unsafe.Sizeof(std))) == nil {
		fi.alloc = max(fi.size, std.AllocationSize)
	}
	return fi, d.FileAttributes, nil
}

func (h *handle) stat() (fileInfo, error) {
	fi, _, err := statHandle(windows.Handle(h.f.Fd()))
	return fi, err
}

// remove renames the file and marks it for deletion on the same handle, so
// no name is looked up again: FileRenameInformation with the folder's
// handle as RootDirectory and a bare name moves it within that folder
// (FILE_RENAME_INFORMATION doc), and FileDispositionInfo deletes it when the
// handle closes (FILE_DISPOSITION_INFO doc).
func (h *handle) remove() error {
	fh := windows.Handle(h.f.Fd())
	_, err := renameRandom(
		func(to string) error { return renameHandle(fh, h.dir, to) },
		func(err error) bool { return err == windows.STATUS_OBJECT_NAME_COLLISION })
	if err != nil {
		return err
	}
	del := struct{ DeleteFile bool }{true} // FILE_DISPOSITION_INFO
	if err := windows.SetFileInformationByHandle(fh, windows.FileDispositionInfo,
		(*byte)(unsafe.Pointer(&del)), uint32(unsafe.Sizeof(del))); err != nil {
		return fmt.Errorf("marking for deletion: %w", err)
	}
	return nil
}

// fileRenameInfo is FILE_RENAME_INFORMATION (ntifs.h). The first field is
// a union of BOOLEAN ReplaceIfExists and ULONG Flags; zero means fail with
// STATUS_OBJECT_NAME_COLLISION if the new name exists.
type fileRenameInfo struct {
	Flags          uint32
	RootDirectory  windows.Handle
	FileNameLength uint32 // bytes, without the terminating NUL
	FileName       [1]uint16
}

// renameHandle renames the open file h to name in the folder dir. It calls
// NtSetInformationFile, not SetFileInformationByHandle: the Win32 layer
// may resolve a relative FileName against the current directory
// (FILE_RENAME_INFO doc).
func renameHandle(h, dir windows.Handle, name string) error {
	u, err := windows.UTF16FromString(name)
	if err != nil {
		return err
	}
	size := unsafe.Offsetof(fileRenameInfo{}.FileName) + uintptr(len(u))*2
	buf := make([]uint64, (size+7)/8) // 8-byte aligned, as the struct needs
	ri := (*fileRenameInfo)(unsafe.Pointer(&buf[0]))
	ri.RootDirectory = dir
	ri.FileNameLength = uint32(len(u)-1) * 2
	copy(unsafe.Slice(&ri.FileName[0], len(u)), u)
	return windows.NtSetInformationFile(h, &windows.IO_STATUS_BLOCK{}, (*byte)(unsafe.Pointer(&buf[0])), uint32(size), windows.FileRenameInformation)
}

func (h *handle) close() error {
	var errs []error
	if h.f != nil {
		errs = append(errs, h.f.Close())
		h.f = nil
	}
	if h.dir != 0 {
		errs = append(errs, windows.CloseHandle(h.dir))
		h.dir = 0
	}
	return errors.Join(errs...)
}
