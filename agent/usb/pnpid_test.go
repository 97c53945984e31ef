package usb

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readChains reads testdata/windows/pnp-chains.txt: "== name" starts a
// chain of device instance IDs, disk first.
func readChains(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "windows", "pnp-chains.txt"))
	require.NoError(t, err)
	defer f.Close()
	chains := map[string][]string{}
	name := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "== "):
			name = strings.TrimPrefix(line, "== ")
		default:
			require.NotEmpty(t, name, "an ID before the first chain name")
			chains[name] = append(chains[name], line)
		}
	}
	require.NoError(t, sc.Err())
	return chains
}

func TestParsePnPID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want pnpID
		ok   bool
	}{
		{`USB\VID_0781&PID_5583\4C530001230815117254`, pnpID{"USB", "VID_0781&PID_5583", "4C530001230815117254"}, true},
		{`usbstor\Disk&Ven_SanDisk&Prod_Ultra_Fit&Rev_1.00\4C530001230815117254&0`,
			pnpID{"USBSTOR", "Disk&Ven_SanDisk&Prod_Ultra_Fit&Rev_1.00", "4C530001230815117254&0"}, true},
		{`HTREE\ROOT\0`, pnpID{"HTREE", "ROOT", "0"}, true},
		{`USB\VID_0781&PID_5583`, pnpID{}, false},
		{`USB\VID_0781&PID_5583\serial\extra`, pnpID{}, false},
		{`\VID_0781\x`, pnpID{}, false},
		{``, pnpID{}, false},
	}
	for _, tt := range tests {
		got, ok := parsePnPID(tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}

	p, _ := parsePnPID(`USBSTOR\DISK&VEN_SANDISK&PROD_ULTRA_FIT&REV_1.00\4C530001230815117254&0`)
	for key, want := range map[string]string{"ven": "SANDISK", "PROD": "ULTRA_FIT", "Rev": "1.00"} {
		got, ok := p.field(key)
		assert.True(t, ok, key)
		assert.Equal(t, want, got, key)
	}
	_, ok := p.field("VID")
	assert.False(t, ok)
}

func TestUSBDevice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want usbIDs
		ok   bool
	}{
		{`USB\VID_0781&PID_5583\4C530001230815117254`, usbIDs{"0781", "5583", "4C530001230815117254"}, true},
		{`USB\VID_152D&PID_0578\0123456789ABCDEF`, usbIDs{"152d", "0578", "0123456789ABCDEF"}, true},
		{`USB\VID_058F&PID_6387\5&2C9AD47&0&1`, usbIDs{"058f", "6387", ""}, true},
		{`USB\Vid_0403&Pid_6010\FTS3IQH4`, usbIDs{"0403", "6010", "FTS3IQH4"}, true},
		// Not USB devices.
		{`USB\VID_05E3&PID_0749&MI_00\6&2C8B5E0&0&0000`, usbIDs{}, false},
		{`USB\ROOT_HUB30\4&2F4F4BD2&0&0`, usbIDs{}, false},
		{`USB\VID_XYZW&PID_5583\1`, usbIDs{}, false},
		{`USBSTOR\DISK&VEN_SANDISK&PROD_ULTRA_FIT&REV_1.00\4C530001230815117254&0`, usbIDs{}, false},
		{`SD\VID_03&OID_5344&PID_SD32G&REV_8.0\5&3A8F2C1&0&0`, usbIDs{}, false},
	}
	for _, tt := range tests {
		p, ok := parsePnPID(tt.in)
		require.True(t, ok, tt.in)
		got, ok := p.usbDevice()
		assert.Equal(t, tt.ok, ok, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}

func TestGeneratedInstance(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"5&2C9AD47&0&1", "7&1A2B3C4D&0&000000", "6&2c8b5e0&0&0000", "4&2F4F4BD2&0&0"} {
		assert.True(t, generatedInstance(s), s)
	}
	for _, s := range []string{"4C530001230815117254", "000000000272", "FTS3IQH4", "AA&BB", "0", ""} {
		assert.False(t, generatedInstance(s), s)
	}
}

func TestUSBAbove(t *testing.T) {
	t.Parallel()
	chains := readChains(t)
	tests := []struct {
		chain     string
		ids       usbIDs
		id        string
		ok        bool
		transport string
	}{
		{"usb-stick", usbIDs{"0781", "5583", "4C530001230815117254"}, `USB\VID_0781&PID_5583\4C530001230815117254`, true, "usbstor"},
		{"usb-ssd-uas", usbIDs{"04e8", "61f5", "1234567DA123"}, `USB\VID_04E8&PID_61F5\1234567DA123`, true, "uas"},
		// The interface node is passed over; the hub above the reader is
		// not reached.
		{"card-reader-composite", usbIDs{"05e3", "0749", "000000000272"}, `USB\VID_05E3&PID_0749\000000000272`, true, "usbstor"},
		{"stick-without-serial", usbIDs{"058f", "6387", ""}, `USB\VID_058F&PID_6387\5&2C9AD47&0&1`, true, "usbstor"},
		{"nvme", usbIDs{}, "", false, ""},
		{"sd-host", usbIDs{}, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.chain, func(t *testing.T) {
			t.Parallel()
			chain, ok := chains[tt.chain]
			require.True(t, ok)
			ids, id, ok := usbAbove(chain)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.ids, ids)
			assert.Equal(t, tt.id, id)
			assert.Equal(t, tt.transport, usbTransport(chain))
		})
	}
	_, _, ok := usbAbove(nil)
	assert.False(t, ok)
	assert.Empty(t, usbTransport(nil))
}

func TestPnputilRestart(t *testing.T) {
	t.Parallel()
	require.NoError(t, pnputilRestart(0))
	err := pnputilRestart(3010)
	require.ErrorIs(t, err, ErrBusy, "a restart deferred to the next boot means the disk is held open")
	err = pnputilRestart(259)
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrBusy))
	assert.ErrorContains(t, err, "259")
}
