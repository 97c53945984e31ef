package volumes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/unix"
)

// TestMountFlags checks the f_flags bits fsstat.go copies from
// <sys/mount.h> against golang.org/x/sys/unix.
func TestMountFlags(t *testing.T) {
	t.Parallel()
	assert.EqualValues(t, unix.MNT_RDONLY, mntRdonly)
	want := map[string]uint32{
		"sync": unix.MNT_SYNCHRONOUS, "noexec": unix.MNT_NOEXEC, "nosuid": unix.MNT_NOSUID, "nodev": unix.MNT_NODEV,
		"union": unix.MNT_UNION, "async": unix.MNT_ASYNC, "protect": unix.MNT_CPROTECT, "exported": unix.MNT_EXPORTED,
		"removable": unix.MNT_REMOVABLE, "quarantine": unix.MNT_QUARANTINE, "local": unix.MNT_LOCAL,
		"quota": unix.MNT_QUOTA, "rootfs": unix.MNT_ROOTFS, "dovolfs": unix.MNT_DOVOLFS,
		"nobrowse": unix.MNT_DONTBROWSE, "noowners": unix.MNT_IGNORE_OWNERSHIP, "automounted": unix.MNT_AUTOMOUNTED,
		"journaled": unix.MNT_JOURNALED, "nouserxattr": unix.MNT_NOUSERXATTR, "defwrite": unix.MNT_DEFWRITE,
		"multilabel": unix.MNT_MULTILABEL, "noatime": unix.MNT_NOATIME, "snapshot": unix.MNT_SNAPSHOT,
		"strictatime": unix.MNT_STRICTATIME,
	}
	assert.Len(t, mntNames, len(want))
	for _, f := range mntNames {
		assert.EqualValues(t, want[f.name], f.bit, f.name)
	}
}
