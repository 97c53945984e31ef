package classify

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

var testNow = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

func testOptions() Options {
	o := DefaultOptions()
	o.Now = testNow
	return o
}

func classifyBytes(t *testing.T, b []byte) Result {
	t.Helper()
	return Classify(t.Context(), bytes.NewReader(b), int64(len(b)), testOptions())
}

// members writes n member rows with the given separator, quoting as CSV does.
func members(n int, sep string, header bool) string {
	var sb strings.Builder
	if header {
		sb.WriteString(strings.Join([]string{"Membership Number", "First Name", "Last Name", "Address", "Postcode", "Email", "Phone", "Date of Birth"}, sep) + "\r\n")
	}
	first := []string{"Jane", "Tom", "Siân", "Dewi", "Mary", "John", "Rhys", "Emma"}
	last := []string{"Smith", "Jones", "Evans", "Davies", "Williams", "O'Brien", "Hughes", "Lewis"}
	for i := range n {
		f, l := first[i%len(first)], last[(i/len(first))%len(last)]
		fmt.Fprintf(&sb, "%d%s%s%s%s%s\"%d High Street,\nCardiff\"%sCF10 %dEP%s%s.%s%d@example.org%s07911 %06d%s%02d/%02d/19%02d\r\n",
			100000+i, sep, f, sep, l, sep, i+1, sep, i%10, sep, strings.ToLower(f), strings.ToLower(l), i, sep, 100000+i, sep, i%28+1, i%12+1, 40+i%50)
	}
	return sb.String()
}

func TestClassifyDelimitedText(t *testing.T) {
	t.Parallel()
	utf16 := func(s string, bom bool) []byte {
		e := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
		if bom {
			e = unicode.UTF16(unicode.LittleEndian, unicode.UseBOM)
		}
		b, err := e.NewEncoder().Bytes([]byte(s))
		require.NoError(t, err)
		return b
	}
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(members(40, "\t", true)))
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		data    []byte
		verdict Verdict
		format  string
		records int
	}{
		{"comma", []byte(members(40, ",", true)), Personal, "csv", 40},
		{"tab", []byte(members(40, "\t", true)), Personal, "tsv", 40},
		{"semicolon", []byte(members(40, ";", true)), Personal, "csv", 40},
		{"pipe", []byte(members(40, "|", true)), Personal, "csv", 40},
		{"headerless", []byte(members(40, ",", false)), Personal, "csv", 40},
		{"utf-8 bom", append([]byte("\xEF\xBB\xBF"), members(40, ",", true)...), Personal, "csv", 40},
		{"utf-16le bom", utf16(members(40, "\t", true), true), Personal, "tsv", 40},
		{"utf-16le no bom", utf16(members(40, "\t", true), false), Personal, "tsv", 40},
		{"windows-1252", cp1252, Personal, "tsv", 40},
		{"few people", []byte(members(5, ",", true)), Clean, "csv", 5},
		{"header only", []byte(members(0, ",", true)), Clean, "csv", 0},
		{"prose with a contact line", []byte("Dear all,\n\nThe AGM is on Tuesday at the Village Hall. Please bring a plate.\nContact Jane Smith on 07911 123456 or jane.smith@example.org, or write to 12 High Street, Cardiff CF10 1EP.\n\nThanks, and see you there.\n"), Clean, "text", 0},
		{"unterminated quote", []byte("Name,Email\n\"Jane Smith,jane@example.org\n" + strings.Repeat("x,y\n", 1000)), Clean, "", 0},
		{"binary junk", bytes.Repeat([]byte{0, 1, 2, 3, 0xff, 0xfe, 7, 8}, 1000), Clean, "binary", 0},
		{"10 MB single line", bytes.Repeat([]byte("a,"), 5<<20), Clean, "", 0},
		{"empty", nil, Clean, "empty", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := classifyBytes(t, tc.data)
			require.Equal(t, tc.verdict, res.Verdict, "%+v", res)
			if tc.format != "" {
				require.Equal(t, tc.format, res.Format, "%+v", res)
			}
			if tc.records > 0 {
				require.Equal(t, tc.records, res.Records, "%+v", res)
			}
		})
	}
}

func TestPersonalResultNamesSignals(t *testing.T) {
	t.Parallel()
	res := classifyBytes(t, []byte(members(35, ",", true)))
	require.Equal(t, Personal, res.Verdict)
	require.Equal(t, []string{"name", "email", "phone", "postcode", "address", "dob", "membership_number"}, res.Signals)
	require.Equal(t, "35 people: name, email, phone, postcode, address, date of birth, membership number", res.Reason)
}

// A large file is judged from samples at its head, middle and tail, and
// its records are estimated from them.
func TestLargeFileIsSampled(t *testing.T) {
	t.Parallel()
	body := members(20000, ",", true)
	var sb strings.Builder
	for sb.Len() < 8<<20 {
		sb.WriteString(body[strings.Index(body, "\n\"")+1:] + "\n")
	}
	data := []byte(members(10, ",", true) + sb.String())
	cr := &countingReader{r: bytes.NewReader(data)}
	res := Classify(t.Context(), cr, int64(len(data)), testOptions())
	require.Equal(t, Personal, res.Verdict, "%+v", res)
	require.Less(t, cr.n, int64(1<<20), "read %d bytes of %d", cr.n, len(data))
	require.Greater(t, res.Records, 1000)
}

type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

func TestCancelledContextEndsInAVerdict(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	data := []byte(members(400, ",", true))
	res := Classify(ctx, bytes.NewReader(data), int64(len(data)), testOptions())
	require.Equal(t, Unreadable, res.Verdict)
}
