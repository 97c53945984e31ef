package fde

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseMountinfo(t *testing.T) {
	t.Parallel()
	// proc(5)'s example, a line without optional fields, one with two, and
	// escaped space, tab, newline and backslash.
	in := "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n" +
		"27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n" +
		"60 28 0:32 /home /home rw,relatime shared:33 master:2 - btrfs /dev/mapper/luks-x rw,subvol=/home\n" +
		"51 28 8:17 /a\\134b /mnt/Photos\\040and\\011Letters\\012x rw - ext4 /dev/sdb\\0401 rw\n" +
		"\n"
	ms, err := parseMountinfo([]byte(in))
	require.NoError(t, err)
	require.Equal(t, []mount{
		{Major: 98, Minor: 0, Root: "/mnt1", Point: "/mnt2", FSType: "ext3", Source: "/dev/root"},
		{Major: 254, Minor: 0, Root: "/", Point: "/", FSType: "ext4", Source: "/dev/vda"},
		{Major: 0, Minor: 32, Root: "/home", Point: "/home", FSType: "btrfs", Source: "/dev/mapper/luks-x"},
		{Major: 8, Minor: 17, Root: `/a\b`, Point: "/mnt/Photos and\tLetters\nx", FSType: "ext4", Source: "/dev/sdb 1"},
	}, ms)

	for _, bad := range []string{
		"36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw", // no separator
		"36 35 98:0 /mnt1 /mnt2 rw - ext3",                             // no source
		"36 35 98-0 /mnt1 /mnt2 rw - ext3 /dev/root rw",                // bad major:minor
		"36 35 x:0 / / rw - ext3 /dev/root rw",
	} {
		_, err := parseMountinfo([]byte(bad + "\n"))
		require.Error(t, err, bad)
	}
}

func TestUnescapeOctal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		`plain`:         "plain",
		`a\040b`:        "a b",
		`trailing\04`:   `trailing\04`,
		`\134\134`:      `\\`,
		`not\08octal`:   `not\08octal`,
		`end\040`:       "end ",
		`\101\102\103x`: "ABCx",
	} {
		require.Equal(t, want, unescapeOctal(in), in)
	}
}
