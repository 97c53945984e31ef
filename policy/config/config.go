// Package config is dataward's typed, versioned configuration: the schema
// of INTERFACE.md, its defaults (mirrored by configs/dataward.yaml), strict
// decoding and validation with messages that name the key, the bad value
// and what is allowed.
package config

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Version is the config schema version this build reads.
const Version = 1

// Config is the whole configuration.
type Config struct {
	Version    int        `yaml:"version"`
	Watch      Watch      `yaml:"watch"`
	Classify   Classify   `yaml:"classify"`
	Retention  Retention  `yaml:"retention"`
	USB        USB        `yaml:"usb"`
	Encryption Encryption `yaml:"encryption"`
	StateDir   string     `yaml:"state_dir"` // OS default when empty
	AuditLog   string     `yaml:"audit_log"` // OS default when empty
	Socket     string     `yaml:"socket"`    // OS default when empty
}

// Watch says which folders are watched.
type Watch struct {
	Downloads bool     `yaml:"downloads"` // every local user's Downloads folder
	Paths     []string `yaml:"paths"`     // more folders treated exactly like Downloads
	Volumes   bool     `yaml:"volumes"`   // scan removable volumes as they are mounted
	// Settle is how long a file's size and modification time must stay
	// unchanged before it is looked at: a download still being written is
	// not judged half-way.
	Settle Duration `yaml:"settle"`
}

// Classify tunes the classifier.
type Classify struct {
	MinRecords int `yaml:"min_records"`
}

// Retention is how long flagged files live and how users are warned.
type Retention struct {
	Personal      Duration   `yaml:"personal"`
	WarnBefore    []Duration `yaml:"warn_before"`
	Grace         Duration   `yaml:"grace"`
	Extension     Duration   `yaml:"extension"`
	MaxExtensions int        `yaml:"max_extensions"`
}

// USB is the USB mass-storage policy.
type USB struct {
	BlockWrites  bool        `yaml:"block_writes"`
	Allow        []USBDevice `yaml:"allow"`
	ExtraDevices []string    `yaml:"extra_devices"`
}

// USBDevice names a device exempt from blocking. Empty fields match any.
type USBDevice struct {
	Vendor  string `yaml:"vendor"`  // USB vendor id, 4 hex digits
	Product string `yaml:"product"` // USB product id, 4 hex digits
	Serial  string `yaml:"serial"`
}

// Encryption is the full-disk encryption policy.
type Encryption struct {
	Require    bool     `yaml:"require"`
	CheckEvery Duration `yaml:"check_every"`
}

// Duration is a time.Duration written as "72h", "15m", "30s" or "2d".
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

func (d Duration) String() string {
	td := time.Duration(d)
	if td != 0 && td%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", td/(24*time.Hour))
	}
	s := td.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseDuration reads a duration as Go does, plus whole days ("2d"), which
// is how people think of retention.
func ParseDuration(s string) (Duration, error) {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var days int
		if _, err := fmt.Sscanf(n, "%d", &days); err == nil && fmt.Sprint(days) == n {
			return Duration(time.Duration(days) * 24 * time.Hour), nil
		}
	}
	d, err := time.ParseDuration(s)
	return Duration(d), err
}

// Default returns the defaults of INTERFACE.md.
func Default() Config {
	return Config{
		Version:  Version,
		Watch:    Watch{Downloads: true, Paths: []string{}, Volumes: true, Settle: Duration(500 * time.Millisecond)},
		Classify: Classify{MinRecords: 10},
		Retention: Retention{
			Personal:      Duration(72 * time.Hour),
			WarnBefore:    []Duration{Duration(24 * time.Hour), Duration(time.Hour), Duration(10 * time.Minute)},
			Grace:         Duration(15 * time.Minute),
			Extension:     Duration(24 * time.Hour),
			MaxExtensions: 2,
		},
		USB:        USB{BlockWrites: true, Allow: []USBDevice{}, ExtraDevices: []string{}},
		Encryption: Encryption{Require: true, CheckEvery: Duration(time.Hour)},
	}
}

// ErrInvalid is wrapped by every error about a config's content.
var ErrInvalid = errors.New("invalid config")

func invalid(key string, value any, allowed string) error {
	return fmt.Errorf("%w: %s: %v is not allowed: %s", ErrInvalid, key, value, allowed)
}

var hexID = regexp.MustCompile(`^[0-9a-fA-F]{4}$`)

// Validate checks every value against what is allowed.
func (c *Config) Validate() error {
	var errs []error
	check := func(ok bool, key string, value any, allowed string) {
		if !ok {
			errs = append(errs, invalid(key, value, allowed))
		}
	}
	check(c.Version == Version, "version", c.Version, fmt.Sprintf("this dataward reads version %d", Version))
	for i, p := range c.Watch.Paths {
		check(filepath.IsAbs(p) || path.IsAbs(p), fmt.Sprintf("watch.paths[%d]", i), fmt.Sprintf("%q", p), "an absolute folder path")
	}
	check(c.Watch.Settle >= Duration(10*time.Millisecond) && c.Watch.Settle <= Duration(time.Hour), "watch.settle", c.Watch.Settle,
		"a duration from 10ms to 1h, e.g. 2s")
	check(c.Classify.MinRecords >= 1, "classify.min_records", c.Classify.MinRecords, "a whole number of at least 1")
	r := c.Retention
	check(r.Personal >= Duration(time.Second), "retention.personal", r.Personal, "a duration of at least 1s, e.g. 72h")
	for i, w := range r.WarnBefore {
		check(w > 0 && w <= r.Personal, fmt.Sprintf("retention.warn_before[%d]", i), w,
			fmt.Sprintf("a positive duration no longer than retention.personal (%s)", r.Personal))
	}
	check(r.Grace >= 0, "retention.grace", r.Grace, "a duration of 0s or more, e.g. 15m")
	check(r.Extension > 0, "retention.extension", r.Extension, "a positive duration, e.g. 24h")
	check(r.MaxExtensions >= 0, "retention.max_extensions", r.MaxExtensions, "a whole number of 0 or more")
	for i, d := range c.USB.Allow {
		key := fmt.Sprintf("usb.allow[%d]", i)
		check(d.Vendor == "" || hexID.MatchString(d.Vendor), key+".vendor", fmt.Sprintf("%q", d.Vendor), "4 hex digits, e.g. 0781")
		check(d.Product == "" || hexID.MatchString(d.Product), key+".product", fmt.Sprintf("%q", d.Product), "4 hex digits, e.g. 5581")
		check(d.Vendor != "" || d.Product != "" || d.Serial != "", key, "an empty entry", "at least one of vendor, product, serial")
		check(plainText(d.Serial), key+".serial", fmt.Sprintf("%q", d.Serial), "printable text without quotes or backslashes")
	}
	for i, g := range c.USB.ExtraDevices {
		_, err := path.Match(g, "")
		check(err == nil && g != "" && !strings.Contains(g, "/") && plainText(g), fmt.Sprintf("usb.extra_devices[%d]", i), fmt.Sprintf("%q", g),
			"a device-name glob such as \"mmcblk*\" or \"loop*\"")
	}
	check(c.Encryption.CheckEvery >= Duration(time.Second), "encryption.check_every", c.Encryption.CheckEvery, "a duration of at least 1s, e.g. 1h")
	return errors.Join(errs...)
}

// plainText reports whether s can be written into a udev rule as it is: no
// quote, backslash or control character.
func plainText(s string) bool {
	return !strings.ContainsFunc(s, func(c rune) bool { return c == '"' || c == '\\' || c < ' ' || c == 0x7f })
}
