package crypt

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// quick bounds how long any one call on hostile input may take; generous,
// so a loaded CI machine does not fail it, yet far below a hang.
const quick = 5 * time.Second

type detector func(io.ReaderAt, int64) (Info, error)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func run(t *testing.T, detect detector, b []byte) (Info, error) {
	t.Helper()
	start := time.Now()
	info, err := detect(bytes.NewReader(b), int64(len(b)))
	require.Less(t, time.Since(start), quick)
	return info, err
}

type want struct {
	encrypted bool
	scheme    string
	detail    string // a substring of Detail
}

func check(t *testing.T, detect detector, b []byte, w want) {
	t.Helper()
	info, err := run(t, detect, b)
	require.NoError(t, err)
	require.Equal(t, w.encrypted, info.Encrypted, "Encrypted; Detail %q", info.Detail)
	require.Equal(t, w.scheme, info.Scheme)
	require.Contains(t, info.Detail, w.detail)
}

func TestFixtures(t *testing.T) {
	t.Parallel()
	velvet := "opens without a password (VelvetSweatshop)"
	owner := "PDF opens without a password (owner password only)"
	tests := []struct {
		file   string
		detect detector
		want   want
	}{
		{"cfb/plain.doc", CFB, want{false, "doc", ""}},
		{"cfb/rc4.doc", CFB, want{true, "doc", "RC4"}},
		{"cfb/plain.xls", CFB, want{false, "xls", ""}},
		{"cfb/rc4.xls", CFB, want{true, "xls-rc4", ""}},
		{"cfb/velvet.xls", CFB, want{false, "xls-rc4", velvet}},
		{"cfb/standard-excelize.xlsx", CFB, want{true, "ooxml-standard", ""}},
		{"cfb/standard-lo.xlsx", CFB, want{true, "ooxml-standard", ""}},

		{"pdf/plain.pdf", PDF, want{false, "pdf", ""}},
		{"pdf/aes256.pdf", PDF, want{true, "pdf-aes256", ""}},
		{"pdf/aes256-owner-only.pdf", PDF, want{false, "pdf-aes256", owner}},
		{"pdf/aes256-linearized.pdf", PDF, want{true, "pdf-aes256", ""}},
		{"pdf/r5.pdf", PDF, want{true, "pdf-aes256", ""}},
		{"pdf/r5-owner-only.pdf", PDF, want{false, "pdf-aes256", owner}},
		{"pdf/aes128.pdf", PDF, want{true, "pdf-aes128", ""}},
		{"pdf/aes128-owner-only-objstm.pdf", PDF, want{false, "pdf-aes128", owner}},
		{"pdf/rc4-128.pdf", PDF, want{true, "pdf-rc4", ""}},
		{"pdf/rc4-128-owner-only.pdf", PDF, want{false, "pdf-rc4", owner}},
		{"pdf/rc4-128-owner-only-linearized.pdf", PDF, want{false, "pdf-rc4", owner}},
		{"pdf/rc4-40.pdf", PDF, want{true, "pdf-rc4", ""}},
		{"pdf/rc4-40-owner-only.pdf", PDF, want{false, "pdf-rc4", owner}},

		{"7z/plain.7z", SevenZip, want{false, "7z", ""}},
		{"7z/plain-header-uncompressed.7z", SevenZip, want{false, "7z", ""}},
		{"7z/plain-nonsolid.7z", SevenZip, want{false, "7z", ""}},
		{"7z/plain-dirs.7z", SevenZip, want{false, "7z", ""}},
		{"7z/aes.7z", SevenZip, want{true, "7z-aes", ""}},
		{"7z/aes-headers.7z", SevenZip, want{true, "7z-aes-headers", ""}},
		{"7z/mixed.7z", SevenZip, want{false, "7z-aes", "some entries not encrypted"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			check(t, tt.detect, fixture(t, tt.file), tt.want)
		})
	}
}

// TestWrongFormat hands each detector the other formats' files.
func TestWrongFormat(t *testing.T) {
	t.Parallel()
	for _, d := range []struct {
		name   string
		detect detector
		own    string
	}{{"CFB", CFB, "cfb/"}, {"PDF", PDF, "pdf/"}, {"SevenZip", SevenZip, "7z/"}} {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			for _, f := range []string{"cfb/plain.xls", "pdf/plain.pdf", "7z/plain.7z", "src/people.csv"} {
				if strings.HasPrefix(f, d.own) {
					continue
				}
				_, err := run(t, d.detect, fixture(t, f))
				require.ErrorIs(t, err, ErrMalformed, f)
			}
			_, err := run(t, d.detect, nil)
			require.ErrorIs(t, err, ErrMalformed)
			_, err = d.detect(bytes.NewReader(nil), -1)
			require.ErrorIs(t, err, ErrMalformed)
		})
	}
}

func TestCFBSynthetic(t *testing.T) {
	t.Parallel()
	encInfo := func(major, minor uint16) []byte {
		return append(append(u16(major), u16(minor)...), 0x40, 0, 0, 0)
	}
	agile := append(encInfo(4, 4), []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption"><keyData saltSize="16" blockSize="16" keyBits="256" hashSize="64" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512" saltValue="AAAAAAAAAAAAAAAAAAAAAA=="/></encryption>`)...)
	dataSpaceMap := append(make([]byte, 8), utf16le("EncryptedPackage\x00DRMEncryptedDataSpace")...)
	xorFilePass := func(password string) []byte {
		return append(append(u16(0), u16(0x1234)...), u16(xorVerifier(password))...)
	}
	rc4Header := func(version ...uint16) []byte {
		b := u16(1)
		for _, v := range version {
			b = append(b, u16(v)...)
		}
		return append(b, make([]byte, 48)...)
	}
	fib := func(flags uint16) []byte {
		b := make([]byte, 64)
		binary.LittleEndian.PutUint16(b, 0xA5EC)
		binary.LittleEndian.PutUint16(b[0x0A:], flags)
		return b
	}
	currentUser := func(token uint32) []byte {
		b := make([]byte, 32)
		binary.LittleEndian.PutUint32(b[12:], token)
		return b
	}
	velvet := "opens without a password (VelvetSweatshop)"
	tests := []struct {
		name  string
		files cfbFile
		want  want
	}{
		{"agile", cfbFile{"EncryptionInfo": agile, "EncryptedPackage": {1}}, want{true, "ooxml-agile", ""}},
		{"standard 3.2", cfbFile{"EncryptionInfo": encInfo(3, 2), "EncryptedPackage": {1}}, want{true, "ooxml-standard", ""}},
		{"extensible 4.3", cfbFile{"EncryptionInfo": encInfo(4, 3), "EncryptedPackage": {1}}, want{true, "ooxml-extensible", ""}},
		{"unknown version", cfbFile{"EncryptionInfo": encInfo(9, 9), "EncryptedPackage": {1}}, want{true, "ooxml", "9.9"}},
		{"package without info", cfbFile{"EncryptedPackage": {1}}, want{true, "ooxml", ""}},
		{"irm package", cfbFile{"\x06DataSpaces/DataSpaceMap": dataSpaceMap, "EncryptedPackage": {1}}, want{true, "ooxml-irm", ""}},
		{"irm binary", cfbFile{"\x06DataSpaces/DataSpaceInfo/DRMEncryptedDataSpace": {1}, "\x09DRMContent": {1}}, want{true, "office-irm", ""}},
		{"xls xor velvet", cfbFile{"Workbook": workbook(xorFilePass(velvetSweatshop))}, want{false, "xls-xor", velvet}},
		{"xls xor", cfbFile{"Workbook": workbook(xorFilePass("secret"))}, want{true, "xls-xor", ""}},
		{"xls cryptoapi velvet", cfbFile{"Workbook": workbook(cryptoAPIFilePass(velvetSweatshop, 128))}, want{false, "xls-rc4-cryptoapi", velvet}},
		{"xls cryptoapi 40-bit velvet", cfbFile{"Workbook": workbook(cryptoAPIFilePass(velvetSweatshop, 40))}, want{false, "xls-rc4-cryptoapi", velvet}},
		{"xls cryptoapi", cfbFile{"Workbook": workbook(cryptoAPIFilePass("x", 128))}, want{true, "xls-rc4-cryptoapi", ""}},
		{"xls rc4 wrong verifier", cfbFile{"Workbook": workbook(rc4Header(1, 1))}, want{true, "xls-rc4", ""}},
		{"xls rc4 unknown version", cfbFile{"Workbook": workbook(rc4Header(7, 7))}, want{true, "xls", "7.7"}},
		{"xls unknown method", cfbFile{"Workbook": workbook(u16(9))}, want{true, "xls", "unknown"}},
		{"xls biff5 book", cfbFile{"Book": biff(u16(rtBOF8), append(u16(0x0500), make([]byte, 6)...), u16(rtFilePass), xorFilePass("")[2:], u16(rtEOF), nil)}, want{true, "xls-xor", ""}},
		{"xls plain", cfbFile{"Workbook": workbook(nil)}, want{false, "xls", ""}},
		{"doc xor", cfbFile{"WordDocument": fib(0x8100)}, want{true, "doc", "XOR"}},
		{"doc plain", cfbFile{"WordDocument": fib(0)}, want{false, "doc", ""}},
		{"ppt encrypted", cfbFile{"PowerPoint Document": {1}, "Current User": currentUser(0xF3D1C4DF)}, want{true, "ppt", ""}},
		{"ppt plain", cfbFile{"PowerPoint Document": {1}, "Current User": currentUser(0xE391C05F)}, want{false, "ppt", ""}},
		{"other", cfbFile{"Contents": {1}}, want{false, "cfb", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, _ := writeCFB(tt.files)
			check(t, CFB, b, tt.want)
		})
	}
}

// TestXORVerifier compares CreatePasswordVerifier_Method1 with the other
// published form of the same hash (the one OOXML sheet protection uses,
// as in excelize's genSheetPasswd): rotate each character left by its
// position within 15 bits, XOR all, then the length and 0xCE4B.
func TestXORVerifier(t *testing.T) {
	t.Parallel()
	other := func(pw string) uint16 {
		var h uint32
		for i, c := range []byte(pw) {
			v := uint32(c) << (i + 1)
			h ^= v&0x7FFF | v>>15
		}
		return uint16(h ^ uint32(len(pw)) ^ 0xCE4B)
	}
	for _, pw := range []string{"", "a", "x", "secret", "password", velvetSweatshop, "abcdefghijklmno"} {
		require.Equal(t, other(pw), xorVerifier(pw), pw)
	}
}

func TestCFBHostile(t *testing.T) {
	t.Parallel()
	plain := fixture(t, "cfb/plain.xls")
	big := make(cfbFile)
	for i := range 40 {
		big[fmt.Sprintf("s%02d", i)] = []byte{1}
	}
	tests := []struct {
		name   string
		mutate func() []byte
		limit  bool // must fail with ErrLimit rather than ErrMalformed
	}{
		{"directory self loop", func() []byte {
			b, l := writeCFB(cfbFile{"Workbook": workbook(nil)})
			setFAT(b, l.dirStart, l.dirStart)
			return b
		}, false},
		{"directory cycle", func() []byte {
			b, l := writeCFB(big)
			require.Greater(t, l.dirSectors, uint32(2))
			setFAT(b, l.dirStart+2, l.dirStart)
			return b
		}, false},
		{"directory chain off the end", func() []byte {
			b, l := writeCFB(cfbFile{"Workbook": workbook(nil)})
			setFAT(b, l.dirStart, 0x00FFFFFF)
			return b
		}, false},
		{"directory larger than the budget", func() []byte {
			// 48 MiB of directory sectors, each pointing at the next.
			n := uint32(48 << 20 / 512)
			b := make([]byte, 512*(int(n)+1))
			h, _ := writeCFB(cfbFile{"x": {1}})
			copy(b, h[:512])
			fat := (n + 127) / 128
			binary.LittleEndian.PutUint32(b[44:], fat)
			binary.LittleEndian.PutUint32(b[48:], fat)
			binary.LittleEndian.PutUint32(b[72:], 0)
			for i := range uint32(109) {
				v := uint32(cfbFree)
				if i < fat {
					v = i
				}
				binary.LittleEndian.PutUint32(b[76+4*i:], v)
			}
			for i := range n {
				v := i + 1
				if i < fat {
					v = cfbFATSec
				}
				binary.LittleEndian.PutUint32(b[512+4*i:], v)
			}
			return b
		}, true},
		{"huge DIFAT count", func() []byte {
			b := bytes.Clone(plain)
			binary.LittleEndian.PutUint32(b[72:], 0x7FFFFFFF)
			return b
		}, false},
		{"stream chain cycle", func() []byte {
			b, l := writeCFB(cfbFile{"EncryptionInfo": bytes.Repeat([]byte{4}, 600), "EncryptedPackage": {1}})
			first := l.dirStart + l.dirSectors
			setFAT(b, first, first)
			return b
		}, false},
		{"garbage after magic", func() []byte {
			return append(bytes.Clone(cfbSignature), bytes.Repeat([]byte{0xFF}, 4096)...)
		}, false},
		{"zero sector size", func() []byte {
			b := bytes.Clone(plain)
			binary.LittleEndian.PutUint16(b[30:], 0)
			return b
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			info, err := run(t, CFB, tt.mutate())
			if tt.limit {
				require.ErrorIs(t, err, ErrLimit)
				return
			}
			if err == nil {
				// Some corruptions leave a readable file; it must still
				// come out as a compound file of some kind.
				require.NotEmpty(t, info.Scheme)
				return
			}
			require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrLimit), "%v", err)
		})
	}
}

// TestTruncated cuts every fixture at many lengths: each cut must end in
// an Info or an error, quickly.
func TestTruncated(t *testing.T) {
	t.Parallel()
	for _, dir := range []struct {
		glob   string
		detect detector
	}{{"cfb/*", CFB}, {"pdf/*.pdf", PDF}, {"7z/*.7z", SevenZip}} {
		files, err := filepath.Glob(filepath.Join("testdata", dir.glob))
		require.NoError(t, err)
		require.NotEmpty(t, files)
		for _, f := range files {
			t.Run(filepath.Base(f), func(t *testing.T) {
				t.Parallel()
				b, err := os.ReadFile(f)
				require.NoError(t, err)
				step := max(1, len(b)/97)
				for n := 0; n < len(b); n += step {
					_, err := run(t, dir.detect, b[:n])
					if err != nil {
						require.True(t, errors.Is(err, ErrMalformed) || errors.Is(err, ErrLimit) || errors.Is(err, errors.ErrUnsupported), "cut at %d: %v", n, err)
					}
				}
			})
		}
	}
}

// pdfPart is a PDF's encryption dictionary and /ID, cut from a fixture so
// that synthetic files can reuse them (the file key depends on /ID).
type pdfPart struct{ enc, id string }

func pdfParts(t *testing.T, name string) pdfPart {
	b := fixture(t, name)
	enc := regexp.MustCompile(`\n\d+ 0 obj\s*(<<[^\n]*/Filter /Standard[^\n]*>>)\s*endobj`).FindSubmatch(b)
	id := regexp.MustCompile(`/ID \[<[0-9a-f]*><[0-9a-f]*>\]`).Find(b)
	require.NotNil(t, enc, name)
	require.NotNil(t, id, name)
	return pdfPart{string(enc[1]), string(id)}
}

// buildPDF lays out objects 1..n in order, each padded by filler bytes so
// that the middle ones sit outside both 64 KiB windows, and ends with a
// classic cross-reference table or, with xrefStream, a cross-reference
// stream (Flate, PNG Up predictor) carrying trailer.
func buildPDF(objs []string, trailer string, xrefStream bool) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offs := make([]int, len(objs)+2)
	for i, o := range objs {
		offs[i+1] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	if !xrefStream {
		fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
		for _, o := range offs[1 : len(objs)+1] {
			fmt.Fprintf(&b, "%010d 00000 n \n", o)
		}
		fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\n", len(objs)+1, trailer)
	} else {
		n := len(objs) + 2 // the stream is the last object
		offs[n-1] = xref
		var rows bytes.Buffer
		prev := make([]byte, 7)
		for i := range n {
			row := make([]byte, 7)
			if i > 0 {
				row[0] = 1
				binary.BigEndian.PutUint32(row[1:], uint32(offs[i]))
			}
			rows.WriteByte(2) // PNG Up
			for k := range row {
				rows.WriteByte(row[k] - prev[k])
			}
			prev = row
		}
		var z bytes.Buffer
		zw := zlib.NewWriter(&z)
		_, _ = zw.Write(rows.Bytes())
		_ = zw.Close()
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Filter /FlateDecode /DecodeParms << /Columns 7 /Predictor 12 >> /Length %d %s >>\nstream\n",
			n-1, n, z.Len(), trailer)
		b.Write(z.Bytes())
		b.WriteString("\nendstream\nendobj\n")
	}
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}

func filler(n int) string {
	return fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", n, strings.Repeat("q Q ", n/4))
}

// literal rewrites the hex strings of a dictionary as literal strings with
// every kind of escape ISO 32000-1 7.3.4.2 allows.
func literal(dict string) string {
	return regexp.MustCompile(`<([0-9a-f]+)>`).ReplaceAllStringFunc(dict, func(h string) string {
		var raw []byte
		_, err := fmt.Sscanf(h[1:len(h)-1], "%x", &raw)
		if err != nil {
			panic(err)
		}
		var s strings.Builder
		s.WriteByte('(')
		for i, c := range raw {
			switch {
			case c == '(' || c == ')' || c == '\\':
				s.WriteByte('\\')
				s.WriteByte(c)
			case c == '\n':
				s.WriteString(`\n`)
			case c == '\r':
				s.WriteString(`\r`)
			case i%7 == 3:
				fmt.Fprintf(&s, "\\%03o", c) // an octal escape even where none is needed
			case c < 0x20 || c >= 0x7F:
				fmt.Fprintf(&s, "\\%o", c)
			default:
				s.WriteByte(c)
			}
			if i == 10 {
				s.WriteString("\\\n") // a line continuation
			}
		}
		s.WriteByte(')')
		return s.String()
	})
}

func TestPDFSynthetic(t *testing.T) {
	t.Parallel()
	r3 := pdfParts(t, "pdf/rc4-128-owner-only.pdf")
	r3user := pdfParts(t, "pdf/rc4-128.pdf")
	r2 := pdfParts(t, "pdf/rc4-40-owner-only.pdf")
	r6 := pdfParts(t, "pdf/aes256-owner-only.pdf")
	owner := "owner password only"
	mid := func(p pdfPart, enc string, xs bool) []byte {
		return buildPDF([]string{"<< /Type /Catalog >>", filler(100 << 10), enc, filler(100 << 10)},
			"/Root 1 0 R /Encrypt 3 0 R "+p.id, xs)
	}
	tests := []struct {
		name string
		pdf  []byte
		want want
	}{
		{"mid-file via xref table", mid(r3, r3.enc, false), want{false, "pdf-rc4", owner}},
		{"mid-file via xref table, user password", mid(r3user, r3user.enc, false), want{true, "pdf-rc4", ""}},
		{"mid-file via xref stream", mid(r3, r3.enc, true), want{false, "pdf-rc4", owner}},
		{"mid-file via xref stream, R6", mid(r6, r6.enc, true), want{false, "pdf-aes256", owner}},
		{"literal strings R3", mid(r3, literal(r3.enc), false), want{false, "pdf-rc4", owner}},
		{"literal strings R3 user", mid(r3user, literal(r3user.enc), false), want{true, "pdf-rc4", ""}},
		{"literal strings R2", mid(r2, literal(r2.enc), true), want{false, "pdf-rc4", owner}},
		{"literal strings R6", mid(r6, literal(r6.enc), false), want{false, "pdf-aes256", owner}},
		{"direct dictionary", buildPDF([]string{"<< /Type /Catalog >>"}, "/Root 1 0 R /Encrypt "+r3.enc+" "+r3.id, false), want{false, "pdf-rc4", owner}},
		{"public key", buildPDF([]string{"<< /Type /Catalog >>", "<< /Filter /Adobe.PubSec /V 4 /R 4 >>"}, "/Root 1 0 R /Encrypt 2 0 R", false), want{true, "pdf-pubkey", ""}},
		{"encrypt points nowhere", buildPDF([]string{"<< /Type /Catalog >>"}, "/Root 1 0 R /Encrypt 9 0 R", false), want{true, "pdf", "encryption dictionary not found"}},
		{"encrypt points at the wrong object", buildPDF([]string{"<< /Type /Catalog >>", "<< /A 1 >>"}, "/Root 1 0 R /Encrypt 2 7 R", true), want{true, "pdf", "encryption dictionary not found"}},
		{"unknown revision", buildPDF([]string{"<< /Filter /Standard /V 9 /R 9 /O <00> /U <00> /P -4 >>"}, "/Encrypt 1 0 R", false), want{true, "pdf-rc4", "revision 9"}},
		{"short /U", buildPDF([]string{"<< /Filter /Standard /V 2 /R 3 /O <00> /U <00> /P -4 >>"}, "/Encrypt 1 0 R", false), want{true, "pdf-rc4", "malformed"}},
		{"bad key length", buildPDF([]string{strings.Replace(r3.enc, "/Length 128", "/Length 4096", 1)}, "/Encrypt 1 0 R "+r3.id, false), want{true, "pdf-rc4", "key length"}},
		{"plain xref stream", buildPDF([]string{"<< /Type /Catalog >>"}, "/Root 1 0 R", true), want{false, "pdf", ""}},
	}
	// An incremental update that only appends a trailer repeating the
	// entries of the one before (ISO 32000-1 7.5.6).
	base := fixture(t, "pdf/aes256-owner-only.pdf")
	prev := regexp.MustCompile(`startxref\s+(\d+)`).FindSubmatch(base)[1]
	trailer := regexp.MustCompile(`(?s)trailer\s*<<(.*?)>>\s*startxref`).FindSubmatch(base)[1]
	update := fmt.Appendf(bytes.Clone(base), "xref\n0 0\ntrailer\n<<%s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, prev, len(base))
	tests = append(tests, struct {
		name string
		pdf  []byte
		want want
	}{"incremental update", update, want{false, "pdf-aes256", owner}})
	// An update to a plain file that adds /Encrypt without its object.
	plain := fixture(t, "pdf/plain.pdf")
	prev = regexp.MustCompile(`startxref\s+(\d+)`).FindSubmatch(plain)[1]
	trailer = regexp.MustCompile(`(?s)trailer\s*<<(.*?)>>\s*startxref`).FindSubmatch(plain)[1]
	dangling := fmt.Appendf(bytes.Clone(plain), "xref\n0 0\ntrailer\n<<%s /Encrypt 99 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", trailer, prev, len(plain))
	tests = append(tests, struct {
		name string
		pdf  []byte
		want want
	}{"update adds a dangling /Encrypt", dangling, want{true, "pdf", "not found"}})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check(t, PDF, tt.pdf, tt.want)
		})
	}
}

func TestPDFHostile(t *testing.T) {
	t.Parallel()
	r3 := pdfParts(t, "pdf/rc4-128-owner-only.pdf")
	huge := bytes.Replace(buildPDF([]string{"<< /Type /Catalog >>", filler(100 << 10), r3.enc, filler(100 << 10)},
		"/Root 1 0 R /Encrypt 3 0 R "+r3.id, true), []byte("/Length "), []byte("/Length 99999999999 /Old "), -1)
	tests := []struct {
		name string
		pdf  []byte
	}{
		{"huge fake /Length", huge},
		{"many trailers", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("trailer << /Encrypt 1 0 R /Prev 9 >>\n"), 1<<14)...)},
		{"many objects", append([]byte("%PDF-1.4\ntrailer << /Encrypt 1 0 R >>\n"), bytes.Repeat([]byte("1 0 obj << /Filter /Standard /R 3 /V 2 /O <00> /U <00> >> endobj\n"), 1<<13)...)},
		{"deep nesting", append([]byte("%PDF-1.4\ntrailer << /Encrypt "), bytes.Repeat([]byte("[<< /A "), 1<<14)...)},
		{"startxref loop", []byte("%PDF-1.4\nxref\n0 1\n0000000000 65535 f \ntrailer << /Encrypt 1 0 R /Prev 9 >>\nstartxref\n9\n%%EOF")},
		{"xref table with a huge count", []byte("%PDF-1.4\nxref\n0 99999999999\ntrailer << /Encrypt 1 0 R >>\nstartxref\n9\n%%EOF")},
		{"unterminated strings", []byte("%PDF-1.4\ntrailer << /Encrypt << /Filter /Standard /O (abc\\")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			info, err := run(t, PDF, tt.pdf)
			if err == nil {
				require.NotEmpty(t, info.Scheme)
			}
		})
	}
}

// sz7z wraps a raw 7z header (and packed streams before it) in a
// signature header with correct checksums (7-Zip DOC/7zFormat.txt).
func sz7z(packed, header []byte) []byte {
	sh := make([]byte, 32)
	copy(sh, szSignature)
	sh[7] = 4
	binary.LittleEndian.PutUint64(sh[12:], uint64(len(packed)))
	binary.LittleEndian.PutUint64(sh[20:], uint64(len(header)))
	binary.LittleEndian.PutUint32(sh[28:], crc32.ChecksumIEEE(header))
	binary.LittleEndian.PutUint32(sh[8:], crc32.ChecksumIEEE(sh[12:32]))
	return append(append(sh, packed...), header...)
}

// num7z encodes a 7z NUMBER: one byte below 0x80, else 0xFF and 8 bytes.
func num7z(v uint64) []byte {
	if v < 0x80 {
		return []byte{byte(v)}
	}
	return binary.LittleEndian.AppendUint64([]byte{0xFF}, v)
}

// copyArchive is a header for one folder with a single coder (id, props)
// whose two files declare the given sizes; the pack stream is data.
func copyArchive(id, props []byte, sizes [2]uint64, data []byte) []byte {
	h := []byte{0x01, 0x04, 0x06, 0x00, 0x01, 0x09}
	h = append(h, num7z(uint64(len(data)))...)
	h = append(h, 0x00, 0x07, 0x0B, 0x01, 0x00, 0x01)
	flag := byte(len(id))
	if props != nil {
		flag |= 0x20
	}
	h = append(append(h, flag), id...)
	if props != nil {
		h = append(append(h, byte(len(props))), props...)
	}
	h = append(append(h, 0x0C), num7z(sizes[0]+sizes[1])...)
	h = append(h, 0x00, 0x08, 0x0D, 0x02, 0x09)
	h = append(append(h, num7z(sizes[0])...), 0x00, 0x00)
	names := utf16le("a\x00b\x00")
	h = append(h, 0x05, 0x02, 0x11)
	h = append(append(h, num7z(uint64(len(names)+1))...), 0x00)
	h = append(append(h, names...), 0x00, 0x00)
	return sz7z(data, h)
}

type entry struct {
	name    string
	size    int64
	content string
	openErr error
}

func entries(t *testing.T, b []byte) ([]entry, error) {
	t.Helper()
	var got []entry
	start := time.Now()
	err := SevenZipEntries(bytes.NewReader(b), int64(len(b)), func(name string, size int64, open func() (io.ReadCloser, error)) error {
		e := entry{name: name, size: size}
		rc, err := open()
		if err != nil {
			e.openErr = err
		} else {
			c, err := io.ReadAll(io.LimitReader(rc, 1<<10))
			require.NoError(t, err)
			require.NoError(t, rc.Close())
			e.content = string(c)
		}
		got = append(got, e)
		return nil
	})
	require.Less(t, time.Since(start), quick)
	return got, err
}

func TestSevenZipEntries(t *testing.T) {
	t.Parallel()
	people, notes := string(fixture(t, "src/people.csv")), string(fixture(t, "src/notes.txt"))
	both := []entry{{"people.csv", int64(len(people)), people, nil}, {"notes.txt", int64(len(notes)), notes, nil}}
	tests := []struct {
		file string
		want []entry
	}{
		{"7z/plain.7z", both},
		{"7z/plain-nonsolid.7z", both},
		{"7z/plain-header-uncompressed.7z", both},
		{"7z/mixed.7z", both[:1]},
		{"7z/plain-dirs.7z", []entry{{"empty.txt", 0, "", nil}, {"folder/people.csv", int64(len(people)), people, nil}}},
		{"7z/aes.7z", nil},
		{"7z/aes-headers.7z", nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got, err := entries(t, fixture(t, tt.file))
			require.NoError(t, err)
			require.ElementsMatch(t, tt.want, got)
		})
	}
	t.Run("visit error stops the walk", func(t *testing.T) {
		t.Parallel()
		b := fixture(t, "7z/plain.7z")
		stop := errors.New("stop")
		calls := 0
		err := SevenZipEntries(bytes.NewReader(b), int64(len(b)), func(string, int64, func() (io.ReadCloser, error)) error {
			calls++
			return stop
		})
		require.ErrorIs(t, err, stop)
		require.Equal(t, 1, calls)
	})
}

func TestSevenZipHostile(t *testing.T) {
	t.Parallel()
	lzmaProps := func(dict uint32) []byte { return binary.LittleEndian.AppendUint32([]byte{0x5D}, dict) }
	tests := []struct {
		name    string
		archive []byte
		err     error   // from SevenZip and SevenZipEntries
		open    []error // from each entry's open, when err is nil
	}{
		{"four billion files", sz7z(nil, append([]byte{0x01, 0x05}, num7z(0xFFFFFFFF)...)), ErrLimit, nil},
		{"four billion folders", sz7z(nil, append([]byte{0x01, 0x04, 0x07, 0x0B}, num7z(0xFFFFFFFF)...)), ErrLimit, nil},
		{"huge coder properties", sz7z(nil, append([]byte{0x01, 0x04, 0x07, 0x0B, 0x01, 0x00, 0x01, 0x21, 0x21}, num7z(1<<31)...)), ErrLimit, nil},
		{"files without streams", sz7z(nil, []byte{0x01, 0x05, 0x01, 0x00, 0x00}), ErrMalformed, nil},
		{"bind pair out of range", sz7z(nil, []byte{0x01, 0x04, 0x07, 0x0B, 0x01, 0x00, 0x02, 0x01, 0x00, 0x01, 0x00, 0x05, 0x09}), ErrMalformed, nil},
		{"encoded header that claims 4 GiB", sz7z(nil, append([]byte{0x17, 0x06, 0x00, 0x01, 0x09, 0x01, 0x00, 0x07, 0x0B, 0x01, 0x00, 0x01, 0x03, 0x03, 0x01, 0x01, 0x0C}, append(num7z(1<<32), 0x00, 0x00)...)), ErrLimit, nil},
		{"header size past the end", func() []byte {
			b := sz7z(nil, []byte{0x01, 0x00})
			binary.LittleEndian.PutUint64(b[20:], 1<<20)
			binary.LittleEndian.PutUint32(b[8:], crc32.ChecksumIEEE(b[12:32]))
			return b
		}(), ErrMalformed, nil},
		{"bad start header checksum", append(bytes.Clone(szSignature), make([]byte, 64)...), ErrMalformed, nil},
		{"copy", copyArchive([]byte{0x00}, nil, [2]uint64{3, 2}, []byte("abcde")), nil, []error{nil, nil}},
		{"solid block skip", copyArchive([]byte{0x00}, nil, [2]uint64{100 << 20, 2}, []byte("abcde")), nil, []error{nil, ErrLimit}},
		{"LZMA dictionary bomb", copyArchive([]byte{0x03, 0x01, 0x01}, lzmaProps(0xFFFFFFF0), [2]uint64{1 << 40, 2}, []byte("abcde")), nil, []error{ErrLimit, ErrLimit}},
		{"LZMA2 dictionary bomb", copyArchive([]byte{0x21}, []byte{40}, [2]uint64{3, 2}, []byte("abcde")), nil, []error{ErrLimit, ErrLimit}},
		{"PPMd memory bomb", copyArchive([]byte{0x03, 0x04, 0x01}, lzmaProps(0xFFFFFFF0), [2]uint64{3, 2}, []byte("abcde")), nil, []error{ErrLimit, ErrLimit}},
		{"zstd", copyArchive([]byte{0x04, 0xF7, 0x11, 0x01}, nil, [2]uint64{3, 2}, []byte("abcde")), nil, []error{errors.ErrUnsupported, errors.ErrUnsupported}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			info, err := run(t, SevenZip, tt.archive)
			got, eerr := entries(t, tt.archive)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				require.ErrorIs(t, eerr, tt.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, Info{Scheme: "7z"}, info)
			require.NoError(t, eerr)
			require.Len(t, got, len(tt.open))
			for i, e := range got {
				if tt.open[i] == nil {
					require.NoError(t, e.openErr, e.name)
				} else {
					require.ErrorIs(t, e.openErr, tt.open[i], e.name)
				}
			}
		})
	}
}

// TestUnpredictPNG encodes rows with each PNG filter type (ISO 32000-1
// 7.4.4.4, from the PNG specification) and decodes them.
func TestUnpredictPNG(t *testing.T) {
	t.Parallel()
	rows := [][]byte{{1, 200, 3, 250, 5}, {9, 8, 7, 6, 5}, {255, 0, 255, 0, 1}, {3, 3, 3, 3, 3}, {0, 1, 2, 3, 4}, {100, 50, 25, 12, 6}}
	var enc, want []byte
	prev := make([]byte, 5)
	for i, row := range rows {
		ft := byte(i % 5)
		enc = append(enc, ft)
		for j, c := range row {
			var left, upLeft byte
			if j > 0 {
				left, upLeft = row[j-1], prev[j-1]
			}
			pred := map[byte]byte{0: 0, 1: left, 2: prev[j], 3: byte((int(left) + int(prev[j])) / 2), 4: paeth(left, prev[j], upLeft)}[ft]
			enc = append(enc, c-pred)
		}
		want = append(want, row...)
		prev = row
	}
	require.Equal(t, want, unpredictPNG(enc, 5))
}
