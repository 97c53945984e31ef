package fde

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// fixFileVault turns FileVault on (macOS 13 and later).
const fixFileVault = "System Settings › Privacy & Security › FileVault › Turn On"

// checkFileVault reports the system volume from `fdesetup status`. FileVault
// encrypts the volume group of the startup disk; other internal volumes are
// not reported.
func checkFileVault(ctx context.Context, run runFunc) ([]Volume, error) {
	out, err := run(ctx, "fdesetup", "status")
	if err != nil {
		return nil, err
	}
	return []Volume{parseFdesetupStatus(out)}, nil
}

var (
	fdesetupPercent  = regexp.MustCompile(`Percent completed = ([0-9]+(?:\.[0-9]+)?)`)
	fdesetupDeferred = regexp.MustCompile(`Deferred enablement appears to be active for user '([^']*)'`)
)

// parseFdesetupStatus reads `fdesetup status` (English only: fdesetup is not
// localised). The first line says "FileVault is On." or "FileVault is Off.",
// possibly with ", but ... restart"; later lines report a conversion
// ("Encryption in progress: Percent completed = 42", "... : Pending") or
// deferred enablement ("Deferred enablement appears to be active for user
// 'alice'.").
func parseFdesetupStatus(out []byte) Volume {
	v := Volume{Mount: "/", Role: RoleSystem, Method: "FileVault"}
	var lines []string
	for l := range strings.Lines(string(out)) {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		v.State, v.Reason = Unknown, "fdesetup status printed nothing"
		return v
	}
	first := lines[0]
	on := strings.HasPrefix(first, "FileVault is On")
	off := strings.HasPrefix(first, "FileVault is Off")
	restart := strings.Contains(first, "restart")
	var encrypting, decrypting, percent string
	var deferredUser string
	deferred := false
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l, "Encryption in progress"):
			encrypting = l
		case strings.HasPrefix(l, "Decryption in progress"):
			decrypting = l
		}
		if m := fdesetupPercent.FindStringSubmatch(l); m != nil {
			percent = m[1]
		}
		if m := fdesetupDeferred.FindStringSubmatch(l); m != nil {
			deferred, deferredUser = true, m[1]
		}
	}

	switch {
	case decrypting != "":
		v.State, v.Fix = NotEncrypted, fixFileVault
		v.Method = ""
		v.Reason = "FileVault is being turned off"
		if percent != "" {
			v.Reason += fmt.Sprintf(" (decryption %d%% done)", percentInt(percent))
		}
	case encrypting != "":
		v.State = InProgress
		v.Percent = percentInt(percent)
		if percent == "" {
			v.Reason = "FileVault encryption has not started yet: " + strings.TrimSpace(strings.TrimPrefix(encrypting, "Encryption in progress:"))
		}
	case restart && strings.Contains(first, "disable"):
		v.State, v.Reason = Encrypted, "FileVault will be turned off at the next restart"
	case restart:
		v.State = InProgress
		v.Reason = "FileVault finishes turning on when the Mac restarts"
		v.Fix = "Restart the Mac to finish turning on FileVault"
	case off && deferred:
		v.State, v.Method = NotEncrypted, ""
		v.Reason = fmt.Sprintf("FileVault is set to turn on when %s next logs out (deferred enablement)", deferredUser)
		v.Fix = fmt.Sprintf("Log out as %s and enter the password when asked: FileVault then turns on", deferredUser)
	case on:
		v.State = Encrypted
	case off:
		v.State, v.Method, v.Fix = NotEncrypted, "", fixFileVault
	default:
		v.State, v.Method = Unknown, ""
		v.Reason = "fdesetup status said: " + first
	}
	return v
}

// percentInt reads "42" or "42.7" as a whole percent, rounded down, within
// 0 to 100.
func percentInt(s string) int {
	f, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(f) {
		return 0
	}
	return int(math.Floor(min(max(f, 0), 100)))
}
