package fde

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// bitlockerWants are the states each recorded output must give, by drive.
var bitlockerWants = map[string]map[string]want{
	"wmi-on-tpm-pin": {
		"C:": {RoleSystem, Encrypted, "BitLocker (TPM+PIN)"},
		"D:": {RoleData, Encrypted, "BitLocker"},
	},
	"wmi-tpm-only":           {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},
	"wmi-off":                {"C:": {RoleSystem, NotEncrypted, ""}, "D:": {RoleData, NotEncrypted, ""}},
	"wmi-in-progress":        {"C:": {RoleSystem, InProgress, "BitLocker"}},
	"wmi-paused":             {"C:": {RoleSystem, InProgress, "BitLocker"}},
	"wmi-suspended":          {"C:": {RoleSystem, Suspended, "BitLocker"}},
	"wmi-waiting-activation": {"C:": {RoleSystem, Suspended, "BitLocker"}},
	"wmi-used-space-only":    {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},
	"wmi-decrypting":         {"C:": {RoleSystem, NotEncrypted, ""}},
	"wmi-locked-data": {
		"C:": {RoleSystem, Encrypted, "BitLocker (TPM+PIN)"},
		"D:": {RoleData, Encrypted, "BitLocker"},
	},
	"wmi-hardware":    {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},
	"wmi-errors":      {"C:": {RoleSystem, Unknown, ""}},
	"wmi-no-system":   {"C:": {RoleSystem, Unknown, ""}},
	"wmi-ps51-quirks": {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}, "D:": {RoleHome, Encrypted, "BitLocker"}},
	"wmi-ps51-single": {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},

	"manage-bde-on": {
		"C:": {RoleSystem, Encrypted, "BitLocker (TPM+PIN)"},
		"D:": {RoleData, NotEncrypted, ""},
	},
	"manage-bde-tpm-only":        {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},
	"manage-bde-off":             {"C:": {RoleSystem, NotEncrypted, ""}},
	"manage-bde-in-progress":     {"C:": {RoleSystem, InProgress, "BitLocker"}},
	"manage-bde-paused":          {"C:": {RoleSystem, InProgress, "BitLocker"}},
	"manage-bde-suspended":       {"C:": {RoleSystem, Suspended, "BitLocker"}},
	"manage-bde-used-space-only": {"C:": {RoleSystem, Encrypted, "BitLocker (TPM only)"}},
	"manage-bde-locked": {
		"C:": {RoleSystem, Encrypted, "BitLocker (TPM+PIN)"},
		"D:": {RoleData, Encrypted, "BitLocker"},
	},
	"manage-bde-decrypting": {"C:": {RoleSystem, NotEncrypted, ""}},
}

func TestBitLockerRecorded(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "windows", "*"))
	require.NoError(t, err)
	seen := 0
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimSuffix(filepath.Base(f), ".json"), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := os.ReadFile(f)
			require.NoError(t, err)
			var vols []Volume
			if strings.HasPrefix(name, "wmi-") {
				vols, err = parseBitLockerJSON(out)
			} else {
				vols, err = parseManageBDE(out)
			}
			if name == "manage-bde-german" {
				require.ErrorContains(t, err, "not English?")
				return
			}
			require.NoError(t, err)
			sortVolumes(vols)
			w, ok := bitlockerWants[name]
			require.True(t, ok, "no expectation for %s", name)
			requireVolumes(t, vols, w)
			golden(t, "windows/"+name, vols)
		})
		seen++
	}
	require.Equal(t, len(bitlockerWants)+1, seen, "every expectation has a recorded output")
}

// TestBitLockerNotes checks the notes and fixes a person is shown.
func TestBitLockerNotes(t *testing.T) {
	t.Parallel()
	read := func(name string) []Volume {
		out, err := os.ReadFile(filepath.Join("testdata", "windows", name))
		require.NoError(t, err)
		var vols []Volume
		if strings.HasSuffix(name, ".json") {
			vols, err = parseBitLockerJSON(out)
		} else {
			vols, err = parseManageBDE(out)
		}
		require.NoError(t, err)
		return vols
	}
	for _, name := range []string{"wmi-tpm-only.json", "manage-bde-tpm-only.txt"} {
		require.Equal(t, noteTPMOnly, read(name)[0].Reason, name)
	}
	for _, name := range []string{"wmi-used-space-only.json", "manage-bde-used-space-only.txt"} {
		require.Contains(t, read(name)[0].Reason, noteUsedSpace, name)
	}
	for _, name := range []string{"wmi-suspended.json", "manage-bde-suspended.txt"} {
		v := read(name)[0]
		require.Contains(t, v.Reason, "suspended", name)
		require.Contains(t, v.Fix, "manage-bde -protectors -enable C:", name)
	}
	for _, name := range []string{"wmi-paused.json", "manage-bde-paused.txt"} {
		v := read(name)[0]
		require.Equal(t, 55, v.Percent, name)
		require.Equal(t, "Run as administrator: manage-bde -resume C:", v.Fix, name)
	}
	for _, name := range []string{"wmi-in-progress.json", "manage-bde-in-progress.txt"} {
		require.Equal(t, 37, read(name)[0].Percent, name)
	}
	for _, name := range []string{"wmi-off.json", "manage-bde-off.txt"} {
		require.Equal(t, fixBitLocker, read(name)[0].Fix, name)
	}
	require.Equal(t, "Control Panel › BitLocker Drive Encryption › D: › Turn on BitLocker", read("wmi-off.json")[1].Fix)
	require.Contains(t, read("wmi-waiting-activation.json")[0].Reason, "waiting for activation")
	require.Contains(t, read("wmi-hardware.json")[0].Reason, "ADV180028")
	require.Contains(t, read("wmi-errors.json")[0].Reason, "GetProtectionStatus: Access denied")
	require.Equal(t, `\\?\Volume{3f2a9c1e-0000-0000-0000-100000000000}\`, read("wmi-on-tpm-pin.json")[0].Device)
}

func TestParseBitLockerJSONErrors(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "not json", `{"Volumes":[]}`, `{"SystemDrive":"C:","Volumes":"x"}`} {
		_, err := parseBitLockerJSON([]byte(in))
		require.Error(t, err, in)
	}
}

func TestPowershellArgs(t *testing.T) {
	t.Parallel()
	args := powershellArgs(bitlockerScript)
	require.Equal(t, []string{"-NoProfile", "-NonInteractive", "-EncodedCommand"}, args[:3])
	b, err := base64.StdEncoding.DecodeString(args[3])
	require.NoError(t, err)
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	require.Equal(t, bitlockerScript, string(utf16.Decode(u)))
	require.LessOrEqual(t, len(args[3]), 32767-200, "fits a Windows command line")
}

func TestCheckBitLockerFallback(t *testing.T) {
	t.Parallel()
	wmi, err := os.ReadFile(filepath.Join("testdata", "windows", "wmi-tpm-only.json"))
	require.NoError(t, err)
	mbde, err := os.ReadFile(filepath.Join("testdata", "windows", "manage-bde-off.txt"))
	require.NoError(t, err)
	ps := "powershell " + strings.Join(powershellArgs(bitlockerScript), " ")

	vols, err := checkBitLocker(t.Context(), fakeRun(map[string]string{ps: string(wmi), "manage-bde -status": string(mbde)}, nil))
	require.NoError(t, err)
	require.Equal(t, Encrypted, vols[0].State, "WMI answers first")

	vols, err = checkBitLocker(t.Context(), fakeRun(map[string]string{ps: "garbage", "manage-bde -status": string(mbde)}, nil))
	require.NoError(t, err)
	require.Equal(t, NotEncrypted, vols[0].State, "manage-bde when WMI's answer is unreadable")

	vols, err = checkBitLocker(t.Context(), fakeRun(map[string]string{"manage-bde -status": string(mbde)}, map[string]error{"powershell": errors.New("powershell: exit status 1: Invalid namespace")}))
	require.NoError(t, err)
	require.Equal(t, NotEncrypted, vols[0].State, "manage-bde when PowerShell fails")

	_, err = checkBitLocker(t.Context(), fakeRun(nil, map[string]error{
		"powershell": errors.New("powershell: exit status 1: Invalid namespace"),
		"manage-bde": errors.New("manage-bde -status: exit status 1: ERROR: An attempt to access a required resource was denied."),
	}))
	require.ErrorContains(t, err, "Invalid namespace")
	require.ErrorContains(t, err, "access a required resource was denied")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = checkBitLocker(ctx, func(ctx context.Context, name string, args ...string) ([]byte, error) {
		require.Equal(t, "powershell", name, "no fallback once the context is done")
		return nil, ctx.Err()
	})
	require.ErrorIs(t, err, context.Canceled)
}

func TestPsList(t *testing.T) {
	t.Parallel()
	var v struct {
		A psList[int] `json:"a"`
	}
	for in, want := range map[string][]int{
		`{"a":[1,2]}`:                     {1, 2},
		`{"a":3}`:                         {3},
		`{"a":null}`:                      nil,
		`{"a":{"value":[4,5],"Count":2}}`: {4, 5},
		`{"a":{"value":[],"Count":0}}`:    {},
		`{}`:                              nil,
	} {
		v.A = nil
		require.NoError(t, jsonUnmarshal(in, &v), in)
		require.Equal(t, want, []int(v.A), in)
	}
	require.Error(t, jsonUnmarshal(`{"a":"x"}`, &v))
	require.Error(t, jsonUnmarshal(`{"a":{"Count":1}}`, &v))
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
