package usb

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseIOReg(t *testing.T) {
	t.Parallel()
	got, err := parseIOReg(readDarwin(t, "ioreg-usb.plist"))
	require.NoError(t, err)
	stick := usbIDs{Vendor: "0781", Product: "5583", Serial: "4C530001230815117254"}
	ssd := usbIDs{Vendor: "152d", Product: "0578", Serial: "0123456789ABCDEF"}
	reader := usbIDs{Vendor: "05ac", Product: "8406", Serial: "000000000820"}
	assert.Equal(t, map[string]usbIDs{
		// The stick sits behind a hub without a serial: its own IDs win,
		// not the hub's (05e3:0610), whether reached through the hub or as
		// a root of its own.
		"disk4": stick, "disk4s1": stick,
		"disk8": ssd, "disk8s1": ssd, "disk8s2": ssd,
		// The synthesized APFS container and its volume hang below the
		// physical store in the service plane.
		"disk9": ssd, "disk9s1": ssd,
		"disk6": reader, "disk6s1": reader,
	}, got, "the keyboard has no BSD name; interfaces, which repeat idVendor, are not devices")
}

func TestParseIORegShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want map[string]usbIDs
	}{
		{"a single root dictionary", `<plist version="1.0"><dict>
<key>idVendor</key><integer>2385</integer><key>idProduct</key><integer>5736</integer>
<key>USB Serial Number</key><string>001A4D5F1D2B</string>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk5</string></dict></array>
</dict></plist>`, map[string]usbIDs{"disk5": {Vendor: "0951", Product: "1668", Serial: "001A4D5F1D2B"}}},
		{"kUSBSerialNumberString wins, empty falls back", `<plist version="1.0"><array>
<dict><key>idVendor</key><integer>1</integer><key>idProduct</key><integer>2</integer>
<key>kUSBSerialNumberString</key><string>AA</string><key>USB Serial Number</key><string>ZZ</string>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk5</string></dict></array></dict>
<dict><key>idVendor</key><integer>1</integer><key>idProduct</key><integer>3</integer>
<key>kUSBSerialNumberString</key><string></string><key>USB Serial Number</key><string>YY</string>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk6</string></dict></array></dict>
</array></plist>`, map[string]usbIDs{
			"disk5": {Vendor: "0001", Product: "0002", Serial: "AA"},
			"disk6": {Vendor: "0001", Product: "0003", Serial: "YY"},
		}},
		{"no serial", `<plist version="1.0"><array><dict>
<key>idVendor</key><integer>1423</integer><key>idProduct</key><integer>25479</integer>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk5</string></dict></array>
</dict></array></plist>`, map[string]usbIDs{"disk5": {Vendor: "058f", Product: "6387"}}},
		{"ids out of range or of the wrong type are no device", `<plist version="1.0"><array>
<dict><key>idVendor</key><integer>70000</integer><key>idProduct</key><integer>1</integer>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk5</string></dict></array></dict>
<dict><key>idVendor</key><string>0781</string><key>idProduct</key><integer>1</integer>
<key>IORegistryEntryChildren</key><array><dict><key>BSD Name</key><string>disk6</string></dict></array></dict>
</array></plist>`, map[string]usbIDs{}},
		{"no usb device at all", `<plist version="1.0"><array/></plist>`, map[string]usbIDs{}},
		{"nothing printed, as when nothing matches", ``, map[string]usbIDs{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseIOReg([]byte(tt.in))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, in := range []string{"ioreg: error: can't obtain properties", `<plist version="1.0"><string>x</string></plist>`} {
		_, err := parseIOReg([]byte(in))
		assert.ErrorIs(t, err, errMalformed, in)
	}
}

// FuzzParseIOReg checks that no input makes the registry walk panic.
func FuzzParseIOReg(f *testing.F) {
	for _, name := range []string{"ioreg-ssd-no-container.plist", "diskutil-usb-stick.plist"} {
		b, err := os.ReadFile(filepath.Join("testdata", "darwin", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if reg, err := parseIOReg(b); err == nil {
			for name, ids := range reg {
				if name == "" || len(ids.Vendor) != 4 || len(ids.Product) != 4 {
					t.Fatalf("bad entry %q: %+v", name, ids)
				}
			}
		}
		_, _ = parseDiskInfo(b)
	})
}
