package volumes

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"golang.org/x/sys/windows"
)

// TestDriveConstants checks the values drives.go copies from the SDK
// against golang.org/x/sys/windows.
func TestDriveConstants(t *testing.T) {
	t.Parallel()
	assert.EqualValues(t, windows.DRIVE_UNKNOWN, driveUnknown)
	assert.EqualValues(t, windows.DRIVE_NO_ROOT_DIR, driveNoRootDir)
	assert.EqualValues(t, windows.DRIVE_REMOVABLE, driveRemovable)
	assert.EqualValues(t, windows.DRIVE_FIXED, driveFixed)
	assert.EqualValues(t, windows.DRIVE_REMOTE, driveRemote)
	assert.EqualValues(t, windows.DRIVE_CDROM, driveCDROM)
	assert.EqualValues(t, windows.DRIVE_RAMDISK, driveRAMDisk)
	assert.EqualValues(t, windows.FILE_READ_ONLY_VOLUME, fileReadOnlyVolume)
}
