package usb

import (
	"os"
	"testing"

	"dataward/agent/command"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/windows"
)

// TestLiveDescribeSystemDrive describes the system drive through the real
// storage stack and device tree: it is not USB storage. It reads only, and
// needs no privileges.
func TestLiveDescribeSystemDrive(t *testing.T) {
	t.Parallel()
	drive := os.Getenv("SystemDrive")
	if drive == "" {
		drive = "C:"
	}
	d, err := Describe(t.Context(), Env{Run: command.Run}, Mount{Point: drive + `\`})
	require.NoError(t, err)
	t.Logf("%+v", d)
	assert.False(t, d.USB)
	assert.Equal(t, drive, d.Name)
	assert.NotEmpty(t, d.Disk)
}

// TestWindowsConstants checks the values the OS-neutral files copy from
// the SDK against golang.org/x/sys/windows where it has them.
func TestWindowsConstants(t *testing.T) {
	t.Parallel()
	assert.EqualValues(t, windows.DRIVE_REMOVABLE, driveRemovable)
	assert.EqualValues(t, windows.DRIVE_FIXED, driveFixed)
}
