package fde

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseZFSGet(t *testing.T) {
	t.Parallel()
	enc, ks, err := parseZFSGet([]byte("aes-256-gcm\navailable\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"aes-256-gcm", "available"}, []string{enc, ks})

	enc, ks, err = parseZFSGet([]byte("off\n-\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"off", "-"}, []string{enc, ks})

	_, _, err = parseZFSGet([]byte("off\n"))
	require.Error(t, err, "ZFS before 0.8 has no keystatus")
	_, _, err = parseZFSGet(nil)
	require.Error(t, err)
}

func TestZFSVolume(t *testing.T) {
	t.Parallel()
	base := Volume{Mount: "/", Device: "rpool/ROOT/ubuntu", Role: RoleSystem}
	v := zfsVolume(base, []byte("aes-256-gcm\navailable\n"))
	require.Equal(t, Encrypted, v.State)
	require.Equal(t, "ZFS native", v.Method)
	require.Empty(t, v.Fix)

	v = zfsVolume(base, []byte("aes-256-gcm\nunavailable\n"))
	require.Equal(t, Encrypted, v.State)
	require.Equal(t, "its key is not loaded", v.Reason)

	v = zfsVolume(base, []byte("off\n-\n"))
	require.Equal(t, NotEncrypted, v.State)
	require.Equal(t, fixLinux, v.Fix)
	require.Contains(t, v.Reason, "rpool/ROOT/ubuntu")

	v = zfsVolume(base, []byte("bad property list: invalid property 'encryption'\n"))
	require.Equal(t, Unknown, v.State)
	require.NotEmpty(t, v.Reason)
}

func TestZFSGetArgs(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"get", "-H", "-o", "value", "encryption,keystatus", "rpool/ROOT/x"}, zfsGetArgs("rpool/ROOT/x"))
}
