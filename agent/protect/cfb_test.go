package protect

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Compound files written here read back, stream for stream, through mscfb,
// across the mini stream cutoff, sector boundaries and the 109 FAT sectors
// the header holds (beyond which DIFAT sectors are needed).
func TestWriteCFB(t *testing.T) {
	t.Parallel()
	random := func(n int) []byte {
		b := make([]byte, n)
		_, err := rand.Read(b)
		require.NoError(t, err)
		return b
	}
	for _, tc := range []struct {
		name    string
		streams []cfbStream
		difat   bool
	}{
		{"one small", []cfbStream{{path: []string{"A"}, data: random(10)}}, false},
		{"empty stream", []cfbStream{{path: []string{"A"}, data: nil}, {path: []string{"B"}, data: random(1)}}, false},
		{"cutoff", []cfbStream{
			{path: []string{"Mini"}, data: random(cfbMiniCutoff - 1)},
			{path: []string{"Big"}, data: random(cfbMiniCutoff)},
			{path: []string{"Odd"}, data: random(cfbMiniCutoff + 1)},
			{path: []string{"Sector"}, data: random(cfbSector * 9)},
		}, false},
		{"storages", append(dataSpaceStreams(),
			cfbStream{path: []string{"EncryptionInfo"}, data: random(1200)},
			cfbStream{path: []string{"EncryptedPackage"}, data: random(70000)}), false},
		{"many siblings", func() []cfbStream {
			var s []cfbStream
			for i := range 40 {
				s = append(s, cfbStream{path: []string{"dir", fmt.Sprintf("s%d", i*37%41)}, data: random(i * 150)})
			}
			return s
		}(), false},
		{"difat", []cfbStream{{path: []string{"Huge"}, data: random(8 << 20)}, {path: []string{"tiny"}, data: random(5)}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			require.NoError(t, writeCFB(&buf, tc.streams))
			b := buf.Bytes()
			require.Zero(t, len(b)%cfbSector)
			le := binary.LittleEndian
			require.Equal(t, uint16(3), le.Uint16(b[0x1A:]))
			require.Equal(t, uint16(0xFFFE), le.Uint16(b[0x1C:]))
			require.Equal(t, tc.difat, le.Uint32(b[0x48:]) > 0, "DIFAT sectors")

			got := readCFBStreams(t, b)
			require.Len(t, got, len(tc.streams))
			for _, s := range tc.streams {
				path := ""
				for i, p := range s.path {
					if i > 0 {
						path += "/"
					}
					path += trimControl(p)
				}
				require.Equal(t, len(s.data), len(got[path]), path)
				require.True(t, bytes.Equal(s.data, got[path]), path)
			}
		})
	}
}

// trimControl drops the control character that starts some names, as
// mscfb does.
func trimControl(s string) string {
	if s != "" && s[0] < 0x20 {
		return s[1:]
	}
	return s
}

func TestCFBCompare(t *testing.T) {
	t.Parallel()
	// [MS-CFB] 2.6.4: length first, then upper-cased code points.
	require.Negative(t, cfbCompare("Z", "AA"))
	require.Zero(t, cfbCompare("abc", "ABC"))
	require.Negative(t, cfbCompare("Version", "\x06Primary"))
	require.Negative(t, cfbCompare("EncryptionInfo", "EncryptedPackage"))
}

func TestWriteCFBErrors(t *testing.T) {
	t.Parallel()
	full := errors.New("no space left on device")
	err := writeCFB(&failingWriter{after: 2000, err: full}, []cfbStream{{path: []string{"A"}, data: make([]byte, 100000)}})
	require.ErrorIs(t, err, full)
	err = writeCFB(&bytes.Buffer{}, []cfbStream{{path: []string{"a name longer than thirty-one characters"}, data: nil}})
	require.Error(t, err)
}
