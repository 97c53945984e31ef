package classify

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

func TestSniffText(t *testing.T) {
	t.Parallel()
	table := members(30, ",", true)
	enc := func(e interface{ Bytes([]byte) ([]byte, error) }, s string) []byte {
		b, err := e.Bytes([]byte(s))
		require.NoError(t, err)
		return b
	}
	// ASCII for far longer than the delimiter sample, then one byte that
	// is not UTF-8: the encoding is judged on all of the file.
	lateCP1252 := append([]byte(strings.Repeat("a,b\n", 100000)), enc(charmap.Windows1252.NewEncoder(), "Siân,£5\n")...)
	for _, tc := range []struct {
		name     string
		data     []byte
		encoding string
		bom      int
		text     bool
		delim    rune
	}{
		{"utf-8", []byte(table), "utf-8", 0, true, ','},
		{"utf-8 with a BOM", append([]byte("\xEF\xBB\xBF"), table...), "utf-8", 3, true, ','},
		{"utf-16le with a BOM", enc(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder(), table), "utf-16le", 2, true, ','},
		{"windows-1252", enc(charmap.Windows1252.NewEncoder(), members(30, "\t", true)), "windows-1252", 0, true, '\t'},
		{"windows-1252 late in the file", lateCP1252, "windows-1252", 0, true, ','},
		{"semicolons", []byte(members(30, ";", true)), "utf-8", 0, true, ';'},
		{"prose", []byte("Dear Siân,\nThank you.\nI will call on Monday.\nBest wishes\n"), "utf-8", 0, true, 0},
		{"binary", []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08"), "utf-8", 0, false, 0},
		{"empty", nil, "utf-8", 0, false, 0},
	} {
		l := SniffText(tc.data)
		require.Equal(t, tc.encoding, l.Encoding, tc.name)
		require.Equal(t, tc.bom, l.BOM, tc.name)
		require.Equal(t, tc.encoding == "utf-8", l.Codec == nil, tc.name)
		require.Equal(t, tc.text, l.Text, tc.name)
		require.Equal(t, tc.delim, l.Delimiter, tc.name)
	}
}
