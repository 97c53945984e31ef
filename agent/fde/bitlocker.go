package fde

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf16"
)

const (
	// fixBitLocker turns on Device encryption (Windows Home on capable
	// hardware) or BitLocker (Pro, Enterprise, Education).
	fixBitLocker = "Settings › Privacy & security › Device encryption (or Control Panel › BitLocker Drive Encryption › Turn on BitLocker)"
	// fixBitLockerData turns BitLocker on for a data drive; Device
	// encryption covers only the system drive.
	fixBitLockerData = "Control Panel › BitLocker Drive Encryption › %s › Turn on BitLocker"
	// fixBitLockerResume ends a suspension. (`manage-bde -resume` resumes a
	// paused conversion, not suspended protection.)
	fixBitLockerResume = "Control Panel › BitLocker Drive Encryption › Resume protection (or, as administrator: manage-bde -protectors -enable %s)"
	// fixBitLockerContinue continues paused encryption.
	fixBitLockerContinue = "Run as administrator: manage-bde -resume %s"

	noteTPMOnly    = "TPM-only protection: weaker than TPM+PIN"
	noteUsedSpace  = "only used space was encrypted: files deleted before encryption may still be readable from free space"
	noteDecrypting = "BitLocker is being turned off"
	// Microsoft security advisory ADV180028: self-encrypting drives had flaws,
	// and BitLocker has defaulted to software encryption since.
	noteHardware = "the drive's own hardware encryption: Microsoft advises software encryption instead (ADV180028)"
)

// bitlockerScript asks WMI about every volume that BitLocker can protect.
// It calls the methods GetProtectionStatus and GetConversionStatus rather
// than reading the cached properties, which osquery saw go stale (platform
// notes §3.1), and GetKeyProtectors once per protector type to tell TPM-only
// from TPM+PIN. A failing method is recorded in Errors instead of stopping
// the script. Remove-TypeData keeps Windows PowerShell 5.1 from writing
// arrays as {"value":[...],"Count":n}.
const bitlockerScript = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
try { Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue } catch {}
function Call($v, [string]$method, $arguments) {
  try {
    if ($arguments) { $r = Invoke-CimMethod -InputObject $v -MethodName $method -Arguments $arguments }
    else { $r = Invoke-CimMethod -InputObject $v -MethodName $method }
  } catch {
    $script:errs += ('{0}: {1}' -f $method, $_.Exception.Message)
    return $null
  }
  if ($r.ReturnValue -ne 0) {
    $script:errs += ('{0}: 0x{1:X8}' -f $method, [uint32]$r.ReturnValue)
    return $null
  }
  $r
}
$vols = @()
foreach ($v in @(Get-CimInstance -Namespace 'root/CIMV2/Security/MicrosoftVolumeEncryption' -ClassName Win32_EncryptableVolume)) {
  $script:errs = @()
  $p = Call $v 'GetProtectionStatus' $null
  $c = Call $v 'GetConversionStatus' $null
  $m = Call $v 'GetEncryptionMethod' $null
  $l = Call $v 'GetLockStatus' $null
  $types = @()
  foreach ($t in 1..10) {
    $k = Call $v 'GetKeyProtectors' @{ KeyProtectorType = [uint32]$t }
    if ($k -and $k.VolumeKeyProtectorID) { $types += $t }
  }
  $vols += [pscustomobject]@{
    DriveLetter          = $v.DriveLetter
    DeviceID             = $v.DeviceID
    VolumeType           = $v.VolumeType
    ProtectionStatus     = $(if ($p) { $p.ProtectionStatus } else { $null })
    ConversionStatus     = $(if ($c) { $c.ConversionStatus } else { $null })
    EncryptionPercentage = $(if ($c) { $c.EncryptionPercentage } else { $null })
    EncryptionFlags      = $(if ($c) { $c.EncryptionFlags } else { $null })
    EncryptionMethod     = $(if ($m) { $m.EncryptionMethod } else { $null })
    LockStatus           = $(if ($l) { $l.LockStatus } else { $null })
    KeyProtectorTypes    = @($types)
    Errors               = @($script:errs)
  }
}
$profiles = $null
try {
  $profiles = [Environment]::ExpandEnvironmentVariables((Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList' -Name ProfilesDirectory).ProfilesDirectory)
} catch {}
[pscustomobject]@{ SystemDrive = $env:SystemDrive; ProfilesDirectory = $profiles; Volumes = @($vols) } | ConvertTo-Json -Depth 4 -Compress
`

// powershellArgs runs script without a profile, with no prompt, passed as
// -EncodedCommand (base64 of UTF-16LE) so that no quoting can go wrong.
func powershellArgs(script string) []string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, r := range u {
		binary.LittleEndian.PutUint16(b[2*i:], r)
	}
	return []string{"-NoProfile", "-NonInteractive", "-EncodedCommand", base64.StdEncoding.EncodeToString(b)}
}

// checkBitLocker asks WMI through PowerShell, and manage-bde when that
// fails.
func checkBitLocker(ctx context.Context, run runFunc) ([]Volume, error) {
	out, err := run(ctx, "powershell", powershellArgs(bitlockerScript)...)
	if err == nil {
		var vols []Volume
		if vols, err = parseBitLockerJSON(out); err == nil {
			return vols, nil
		}
	}
	if ctx.Err() != nil {
		return nil, err
	}
	out, err2 := run(ctx, "manage-bde", "-status")
	if err2 == nil {
		var vols []Volume
		if vols, err2 = parseManageBDE(out); err2 == nil {
			return vols, nil
		}
	}
	return nil, fmt.Errorf("reading BitLocker status through WMI: %w; through manage-bde: %w", err, err2)
}

// blFacts is what WMI or manage-bde said about one volume; -1 where a value
// is not known.
type blFacts struct {
	letter, device string
	role           string
	protection     int // GetProtectionStatus: 0 off, 1 on, 2 unknown
	conversion     int // GetConversionStatus: 0 FullyDecrypted ... 5 DecryptionPaused
	percent        int
	usedSpaceOnly  bool
	hardware       bool // the drive encrypts itself (eDrive), BitLocker only manages it
	locked         bool
	protectors     []int // key protector types present: 1 TPM, 4 TPM+PIN ...
	errs           []string
}

// Key protector types (Win32_EncryptableVolume GetKeyProtectorType).
const (
	kpTPM             = 1
	kpExternalKey     = 2
	kpNumerical       = 3
	kpTPMPIN          = 4
	kpTPMKey          = 5
	kpTPMPINKey       = 6
	kpPublicKey       = 7
	kpPassphrase      = 8
	kpTPMCert         = 9
	kpCNG             = 10
	convFullyDecr     = 0
	convFullyEncr     = 1
	convEncrypting    = 2
	convDecrypting    = 3
	convEncPaused     = 4
	convDecPaused     = 5
	protectionOff     = 0
	protectionOn      = 1
	protectionUnknown = 2
)

// decide turns one volume's facts into a Volume.
func decide(f blFacts) Volume {
	v := Volume{Mount: f.letter, Device: f.device, Role: f.role}
	fix := fixBitLocker
	if f.role != RoleSystem {
		fix = fmt.Sprintf(fixBitLockerData, f.letter)
	}
	var notes []string
	if f.hardware {
		notes = append(notes, noteHardware)
	}
	if f.usedSpaceOnly {
		notes = append(notes, noteUsedSpace)
	}
	switch {
	case f.locked:
		v.State, v.Method = Encrypted, "BitLocker"
		v.Reason = "locked: BitLocker protects it; details show once it is unlocked"
		return v
	case f.conversion == convFullyEncr && f.protection == protectionOn:
		v.State = Encrypted
		v.Method = blMethod(f)
		if v.Method == "BitLocker (TPM only)" {
			notes = append([]string{noteTPMOnly}, notes...)
		}
	case f.conversion == convFullyEncr && f.protection == protectionOff:
		v.State, v.Method = Suspended, "BitLocker"
		if len(f.protectors) == 0 {
			// Device encryption before a recovery key is backed up to a
			// Microsoft account or domain: "waiting for activation".
			v.Reason = joinReasons("encrypted, but the key is stored unprotected on the disk until encryption is turned on (waiting for activation)", joinReasons(notes...))
			v.Fix = fix
			return v
		}
		notes = append([]string{"BitLocker is suspended: the key is stored unprotected on the disk until protection is resumed"}, notes...)
		v.Fix = fmt.Sprintf(fixBitLockerResume, f.letter)
	case f.conversion == convEncrypting:
		v.State, v.Method, v.Percent = InProgress, "BitLocker", clampPercent(f.percent)
	case f.conversion == convEncPaused:
		v.State, v.Method, v.Percent = InProgress, "BitLocker", clampPercent(f.percent)
		notes = append([]string{fmt.Sprintf("encryption is paused at %d%%", clampPercent(f.percent))}, notes...)
		v.Fix = fmt.Sprintf(fixBitLockerContinue, f.letter)
	case f.conversion == convDecrypting || f.conversion == convDecPaused:
		v.State, v.Fix = NotEncrypted, fix
		notes = []string{fmt.Sprintf("%s (%d%% still encrypted)", noteDecrypting, clampPercent(f.percent))}
	case f.conversion == convFullyDecr:
		v.State, v.Fix = NotEncrypted, fix
		notes = nil
	default:
		v.State = Unknown
		why := "BitLocker did not report the volume's state"
		if f.conversion == convFullyEncr && f.protection == protectionUnknown {
			why = "fully encrypted, but BitLocker reports its protection as unknown"
		}
		if len(f.errs) > 0 {
			why += ": " + strings.Join(f.errs, "; ")
		}
		notes = []string{why}
	}
	v.Reason = joinReasons(notes...)
	return v
}

// blMethod names the protection by its key protectors. On the system volume
// a TPM protector with none that also needs a PIN or startup key unlocks
// the disk for anyone who boots it; Microsoft's countermeasures guide
// recommends TPM+PIN where that matters.
func blMethod(f blFacts) string {
	has := func(t int) bool { return slices.Contains(f.protectors, t) }
	if f.role != RoleSystem {
		return "BitLocker"
	}
	switch {
	case has(kpTPMPINKey):
		return "BitLocker (TPM+PIN+startup key)"
	case has(kpTPMPIN):
		return "BitLocker (TPM+PIN)"
	case has(kpTPMKey):
		return "BitLocker (TPM+startup key)"
	case has(kpTPM):
		return "BitLocker (TPM only)"
	case has(kpPassphrase):
		return "BitLocker (password)"
	case has(kpExternalKey):
		return "BitLocker (startup key)"
	}
	return "BitLocker"
}

func clampPercent(p int) int { return min(max(p, 0), 100) }

// bitlockerReport is the JSON bitlockerScript writes.
type bitlockerReport struct {
	SystemDrive       string               `json:"SystemDrive"`
	ProfilesDirectory *string              `json:"ProfilesDirectory"`
	Volumes           psList[bitlockerVol] `json:"Volumes"`
}

type bitlockerVol struct {
	DriveLetter          *string        `json:"DriveLetter"`
	DeviceID             string         `json:"DeviceID"`
	VolumeType           *int           `json:"VolumeType"` // 0 OS, 1 fixed data, 2 portable data, 3 virtual (VHD)
	ProtectionStatus     *int           `json:"ProtectionStatus"`
	ConversionStatus     *int           `json:"ConversionStatus"`
	EncryptionPercentage *int           `json:"EncryptionPercentage"`
	EncryptionFlags      *int           `json:"EncryptionFlags"`
	EncryptionMethod     *int           `json:"EncryptionMethod"`
	LockStatus           *int           `json:"LockStatus"`
	KeyProtectorTypes    psList[int]    `json:"KeyProtectorTypes"`
	Errors               psList[string] `json:"Errors"`
}

// psList is a JSON array as PowerShell may write it: an array, a single
// value (PowerShell unrolls one-element arrays), null, or Windows
// PowerShell 5.1's {"value":[...],"Count":n}.
type psList[T any] []T

func (l *psList[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*l = nil
		return nil
	case len(b) > 0 && b[0] == '[':
		var s []T
		err := json.Unmarshal(b, &s)
		*l = s
		return err
	case len(b) > 0 && b[0] == '{':
		var w struct {
			Value *[]T `json:"value"`
		}
		if err := json.Unmarshal(b, &w); err == nil && w.Value != nil {
			*l = *w.Value
			return nil
		}
	}
	var one T
	if err := json.Unmarshal(b, &one); err != nil {
		return err
	}
	*l = psList[T]{one}
	return nil
}

// Win32_EncryptableVolume.VolumeType values.
const (
	vtOS       = 0
	vtFixed    = 1
	vtPortable = 2
	vtVirtual  = 3
)

const (
	// flagDataOnly marks used-space-only encryption in GetConversionStatus's
	// EncryptionFlags.
	flagDataOnly = 0x1
	// emHardware is GetEncryptionMethod's HARDWARE_ENCRYPTION.
	emHardware = 5
)

// parseBitLockerJSON reads bitlockerScript's output. It reports the
// system drive and every fixed data volume with a drive letter; removable
// and virtual (VHD) volumes, and volumes without a letter (recovery, EFI),
// are left out. The volume holding ProfilesDirectory is the home volume
// where it is not the system drive.
func parseBitLockerJSON(out []byte) ([]Volume, error) {
	out = bytes.TrimPrefix(bytes.TrimSpace(out), []byte("\xef\xbb\xbf"))
	var rep bitlockerReport
	if err := json.Unmarshal(out, &rep); err != nil {
		return nil, fmt.Errorf("reading the BitLocker report: %w", err)
	}
	sys := strings.ToUpper(rep.SystemDrive)
	if sys == "" {
		return nil, errors.New("reading the BitLocker report: no SystemDrive")
	}
	home := ""
	if rep.ProfilesDirectory != nil && len(*rep.ProfilesDirectory) >= 2 && (*rep.ProfilesDirectory)[1] == ':' {
		home = strings.ToUpper((*rep.ProfilesDirectory)[:2])
	}
	var vols []Volume
	seenSys := false
	for _, w := range rep.Volumes {
		if w.DriveLetter == nil || *w.DriveLetter == "" {
			continue
		}
		letter := strings.ToUpper(*w.DriveLetter)
		role := RoleData
		switch {
		case letter == sys || (w.VolumeType != nil && *w.VolumeType == vtOS):
			role = RoleSystem
		case w.VolumeType != nil && (*w.VolumeType == vtPortable || *w.VolumeType == vtVirtual):
			continue
		case letter == home:
			role = RoleHome
		}
		seenSys = seenSys || role == RoleSystem
		f := blFacts{
			letter: letter, device: w.DeviceID, role: role,
			protection: intOr(w.ProtectionStatus, -1),
			conversion: intOr(w.ConversionStatus, -1),
			percent:    intOr(w.EncryptionPercentage, 0),
			locked:     intOr(w.LockStatus, 0) == 1,
			protectors: w.KeyProtectorTypes,
		}
		for _, e := range w.Errors {
			f.errs = append(f.errs, strings.TrimSpace(e))
		}
		f.usedSpaceOnly = intOr(w.EncryptionFlags, 0)&flagDataOnly != 0 && f.conversion != convFullyDecr
		f.hardware = intOr(w.EncryptionMethod, 0) == emHardware
		vols = append(vols, decide(f))
	}
	if !seenSys {
		// No BitLocker volume for the system drive: WMI lists volumes only
		// where BitLocker is available.
		vols = append(vols, Volume{Mount: sys, Role: RoleSystem, State: Unknown,
			Reason: "BitLocker does not list the system drive " + sys, Fix: fixBitLocker})
	}
	return vols, nil
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// manage-bde -status text, English only: the labels and values are
// localised (platform notes §3.1).
var (
	mbdeVolume = regexp.MustCompile(`^Volume (.+?) \[(.*)\]$`)
	mbdeField  = regexp.MustCompile(`^([A-Za-z][A-Za-z ]*?):\s*(.*)$`)
)

var mbdeConversion = map[string]int{
	"fully decrypted":           convFullyDecr,
	"fully encrypted":           convFullyEncr,
	"used space only encrypted": convFullyEncr,
	"encryption in progress":    convEncrypting,
	"decryption in progress":    convDecrypting,
	"encryption paused":         convEncPaused,
	"decryption paused":         convDecPaused,
}

var mbdeProtectors = map[string]int{
	"tpm":          kpTPM,
	"external key": kpExternalKey,
	"external key (required for automatic unlock)": kpExternalKey,
	"numerical password":                           kpNumerical,
	"tpm and pin":                                  kpTPMPIN,
	"tpm and startup key":                          kpTPMKey,
	"tpm and pin and startup key":                  kpTPMPINKey,
	"public key":                                   kpPublicKey,
	"smart card (certificate based)":               kpPublicKey,
	"password":                                     kpPassphrase,
	"tpm certificate":                              kpTPMCert,
	"cryptoapi next generation (cng) protector":    kpCNG,
}

// parseManageBDE reads `manage-bde -status` for every volume:
//
//	Volume C: [Windows]
//	[OS Volume]
//
//	    Conversion Status:    Fully Encrypted
//	    Percentage Encrypted: 100.0%
//	    Protection Status:    Protection On
//	    Lock Status:          Unlocked
//	    Key Protectors:
//	        TPM
//	        Numerical Password
//
// A volume whose type is "[OS Volume]" is the system volume; every other one
// is data (manage-bde does not tell removable drives apart here).
func parseManageBDE(out []byte) ([]Volume, error) {
	type block struct {
		facts   blFacts
		seen    bool // a Conversion Status line was read
		inProts bool
	}
	var blocks []*block
	var cur *block
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		raw := strings.TrimRight(sc.Text(), "\r ")
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		if m := mbdeVolume.FindStringSubmatch(line); m != nil && !strings.HasPrefix(raw, " ") {
			cur = &block{facts: blFacts{letter: strings.ToUpper(m[1]), role: RoleData, protection: -1, conversion: -1}}
			blocks = append(blocks, cur)
			continue
		}
		if cur == nil {
			continue
		}
		if line == "[OS Volume]" {
			cur.facts.role = RoleSystem
			continue
		}
		m := mbdeField.FindStringSubmatch(line)
		if m == nil {
			if cur.inProts {
				if t, ok := mbdeProtectors[strings.ToLower(line)]; ok {
					cur.facts.protectors = append(cur.facts.protectors, t)
				}
			}
			continue
		}
		key, val := strings.ToLower(m[1]), strings.TrimSpace(m[2])
		cur.inProts = false
		switch key {
		case "conversion status":
			cur.seen = true
			lv := strings.ToLower(val)
			if c, ok := mbdeConversion[lv]; ok {
				cur.facts.conversion = c
				cur.facts.usedSpaceOnly = strings.HasPrefix(lv, "used space only")
			}
		case "percentage encrypted":
			cur.facts.percent = percentInt(val)
		case "protection status":
			switch lv := strings.ToLower(val); {
			case strings.HasPrefix(lv, "protection on"):
				cur.facts.protection = protectionOn
			case strings.HasPrefix(lv, "protection off"):
				cur.facts.protection = protectionOff
			case strings.HasPrefix(lv, "protection unknown"):
				cur.facts.protection = protectionUnknown
			}
		case "encryption method":
			cur.facts.hardware = strings.HasPrefix(strings.ToLower(val), "hardware")
		case "lock status":
			cur.facts.locked = strings.EqualFold(val, "Locked")
		case "key protectors":
			cur.inProts = true
			if t, ok := mbdeProtectors[strings.ToLower(val)]; ok {
				cur.facts.protectors = append(cur.facts.protectors, t)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading manage-bde output: %w", err)
	}
	var vols []Volume
	for _, b := range blocks {
		if !b.seen && !b.facts.locked {
			continue
		}
		vols = append(vols, decide(b.facts))
	}
	if len(vols) == 0 {
		return nil, errors.New("reading manage-bde output: no volume with a \"Conversion Status\" (not English?)")
	}
	return vols, nil
}
