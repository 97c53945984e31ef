package usb

import (
	"strings"
	"testing"

	"dataward/agent/command"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// TestLiveDescribeRoot describes the volume mounted at / with the real
// diskutil and ioreg: the boot volume is internal, never USB storage. It
// reads only, and needs no privileges.
func TestLiveDescribeRoot(t *testing.T) {
	t.Parallel()
	var st unix.Statfs_t
	require.NoError(t, unix.Statfs("/", &st))
	src := unix.ByteSliceToString(st.Mntfromname[:])
	d, err := Describe(t.Context(), Env{Run: command.Run}, Mount{Point: "/", Source: src, ReadOnly: true})
	require.NoError(t, err)
	t.Logf("%+v", d)
	assert.False(t, d.USB)
	assert.True(t, strings.HasPrefix(d.Why, "internal"), d.Why)

	out, err := command.Run(t.Context(), "ioreg", ioregArgs...)
	require.NoError(t, err)
	reg, err := parseIOReg(out)
	require.NoError(t, err, "the real IORegistry parses")
	t.Logf("USB disks: %v", reg)
}
