package corpus

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// hashTree maps each file under dir to its SHA-256.
func hashTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		rel, err := filepath.Rel(dir, path)
		out[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return err
	})
	require.NoError(t, err)
	return out
}

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	start := time.Now()
	casesA, err := Generate(a, 7)
	require.NoError(t, err)
	t.Logf("generated %d files in %v", len(casesA), time.Since(start))
	casesB, err := Generate(b, 7)
	require.NoError(t, err)
	_, err = Generate(c, 8)
	require.NoError(t, err)

	assert.Equal(t, casesA, casesB)
	ha, hb, hc := hashTree(t, a), hashTree(t, b), hashTree(t, c)
	assert.Equal(t, ha, hb, "same seed must give the same bytes")
	fixed := map[string]bool{LabelsFile: false}
	for _, c := range casesA {
		// Header-only templates and the empty file hold nothing random.
		fixed[c.Path] = strings.HasPrefix(c.Shape, "template-") || strings.HasPrefix(c.Shape, "empty/")
	}
	for p, h := range ha {
		if hc[p] == h {
			assert.True(t, fixed[p], "%s should change with the seed", p)
		}
	}
}

func TestLabels(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases, err := Generate(dir, 1)
	require.NoError(t, err)
	read, err := ReadLabels(dir)
	require.NoError(t, err)
	require.Equal(t, cases, read)

	want := map[string]int{}
	for _, c := range cases {
		want[c.Want]++
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(c.Path)))
		require.NoError(t, err, "labelled file %s must exist", c.Path)
		assert.Less(t, st.Size(), int64(200<<10), "%s should stay small", c.Path)
		assert.Contains(t, []string{WantPersonal, WantClean, WantEncrypted}, c.Want)
		assert.Regexp(t, `^[a-z0-9-]+/[a-z0-9-]+$`, c.Shape)
		switch c.Want {
		case WantPersonal:
			assert.GreaterOrEqual(t, c.Records, 10, c.Path)
			assert.LessOrEqual(t, c.Records, 700, c.Path)
		case WantClean:
			assert.Zero(t, c.Records, c.Path)
		}
	}
	assert.GreaterOrEqual(t, len(cases), 150)
	assert.LessOrEqual(t, len(cases), 250)
	assert.GreaterOrEqual(t, want[WantEncrypted], 7)
	assert.GreaterOrEqual(t, want[WantClean], 50)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, len(cases)+1, "every file but labels.json is labelled")
}

// The validators below are written from pii.md §2, not from fake.go, so a
// slip in the generator shows up as a failure rather than agreeing with
// itself.
var (
	postcodeRE = regexp.MustCompile(`^(?:GIR ?0AA|[A-PR-UWYZ][0-9][ABCDEFGHJKPSTUW]? ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]? ?[0-9][ABD-HJLNP-UW-Z]{2}|[A-PR-UWYZ][A-HK-Y][0-9]{2} ?[0-9][ABD-HJLNP-UW-Z]{2})$`)
	mobileRE   = regexp.MustCompile(`^07(?:[1-57-9][0-9]{8}|624[0-9]{6})$`)
	geoRE      = regexp.MustCompile(`^(?:01[0-9]{8,9}|02[0-9]{9})$`)
	ninoRE     = regexp.MustCompile(`^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][0-9]{6}[A-D]$`)
	emailRE    = regexp.MustCompile("^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
)

// phoneDigits normalises a typed UK number to its national digits.
func phoneDigits(s string) string {
	var b strings.Builder
	for i, c := range s {
		if c >= '0' && c <= '9' || c == '+' && i == 0 {
			b.WriteRune(c)
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "+44"):
		d = "0" + d[3:]
	case strings.HasPrefix(d, "0044"):
		d = "0" + d[4:]
	case len(d) == 10 && d[0] == '7':
		d = "0" + d
	}
	return d
}

func validNINO(s string) bool {
	s = strings.ReplaceAll(strings.ToUpper(s), " ", "")
	if !ninoRE.MatchString(s) {
		return false
	}
	switch s[:2] {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return false
	}
	return true
}

// validNHS checks that the digits weighted 10 down to 1 sum to 0 mod 11,
// the form Presidio uses, equivalent to the check-digit rule.
func validNHS(s string) bool {
	s = strings.ReplaceAll(s, " ", "")
	if len(s) != 10 {
		return false
	}
	sum := 0
	for i, c := range s {
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (10 - i)
	}
	return sum%11 == 0
}

func TestGenerateValidData(t *testing.T) {
	t.Parallel()
	f := newFaker(42, 1)
	for range 3000 {
		p := f.person()
		assert.Regexp(t, postcodeRE, p.addr.postcode)
		assert.Regexp(t, emailRE, p.email)
		assert.Regexp(t, mobileRE, p.mobile)
		for style := range 5 {
			assert.Equal(t, p.mobile, phoneDigits(phoneStyle(p.mobile, style)), "style %d", style)
			if p.landline != "" {
				assert.Equal(t, p.landline, phoneDigits(phoneStyle(p.landline, style)), "style %d", style)
			}
		}
		if p.landline != "" {
			assert.Regexp(t, geoRE, p.landline)
		}
		num, ok := phoneNumber(p.mobile).(int64)
		assert.True(t, ok && phoneDigits(strconv.FormatInt(num, 10)) == p.mobile, "a phone that lost its leading zero still reads as %s", p.mobile)
		a := age(p.dob)
		assert.True(t, a >= 18 && a <= 95, "age %d", a)
		assert.True(t, validNINO(f.nino()))
		assert.True(t, validNHS(f.nhs()))
	}
	assert.False(t, validNHS("943 476 5910"), "validator sanity")
	assert.True(t, validNHS("943 476 5919"), "validator sanity")

	// Electoral numbers run in sequence within a district: each is the last
	// plus one, or the last again with the next suffix.
	es := f.register("KD2", 300)
	for i := 1; i < len(es); i++ {
		prev, cur := es[i-1], es[i]
		ok := cur.no == prev.no+1 && cur.sfx == 0 || cur.no == prev.no && cur.sfx == prev.sfx+1
		assert.True(t, ok, "elector %s after %s", cur.number(), prev.number())
		assert.Regexp(t, `^[A-Z]{1,4}[0-9]{0,2}-[0-9]{1,5}(?:/[0-9]{1,3})?$`, cur.number())
	}
}

func TestEncodings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cases, err := Generate(dir, 3)
	require.NoError(t, err)
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		require.NoError(t, err)
		return data
	}
	for _, c := range cases {
		data := read(c.Path)
		switch {
		case strings.HasSuffix(c.Shape, "/tsv-utf16"):
			assert.True(t, bytes.HasPrefix(data, []byte{0xFF, 0xFE}), c.Path)
		case strings.HasSuffix(c.Shape, "/csv-bom"):
			assert.True(t, bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}), c.Path)
		case strings.HasPrefix(c.Shape, "xpress-register14/tsv-cp1252"):
			assert.Contains(t, string(data), "Ren\xe9e", "windows-1252 é in %s", c.Path)
		case c.Shape == "welsh-members/csv":
			assert.Contains(t, string(data), "Dŵr", c.Path)
			assert.Contains(t, string(data), "Rhif ffôn", c.Path)
		case c.Shape == "multiline-address/csv":
			assert.Regexp(t, "\"[^\"\r]*\n[^\"\r]*\"", string(data), "quoted multi-line cell in %s", c.Path)
		}
	}
}

func TestEncryptedXLSXOpensWithPassword(t *testing.T) {
	t.Parallel()
	f := newFaker(5, 5)
	plain, err := encodeXLSX([]sheet{{name: "Members", t: roster(f, 40)}})
	require.NoError(t, err)
	enc, err := encryptOOXML(plain, "s3cret", f.r)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(enc, []byte{0xD0, 0xCF, 0x11, 0xE0}))

	wb, err := excelize.OpenReader(bytes.NewReader(enc), excelize.Options{Password: "s3cret"})
	require.NoError(t, err, "excelize must decrypt our Standard encryption")
	defer wb.Close()
	rows, err := wb.GetRows("Members")
	require.NoError(t, err)
	assert.Len(t, rows, 41)
	assert.Equal(t, rosterHeader, rows[0])

	_, err = excelize.OpenReader(bytes.NewReader(enc), excelize.Options{Password: "wrong"})
	assert.Error(t, err)
}

// zipDecrypt is APPNOTE 6.1 decryption, written apart from zip.go.
func zipDecrypt(data []byte, password string) ([]byte, byte) {
	k := [3]uint32{305419896, 591751049, 878082192}
	upd := func(c byte) {
		k[0] = crc32.IEEETable[(k[0]^uint32(c))&0xff] ^ k[0]>>8
		k[1] = (k[1]+(k[0]&0xff))*134775813 + 1
		k[2] = crc32.IEEETable[(k[2]^(k[1]>>24))&0xff] ^ k[2]>>8
	}
	for _, c := range []byte(password) {
		upd(c)
	}
	out := make([]byte, len(data))
	for i, c := range data {
		tmp := k[2] | 2
		p := c ^ byte((tmp*(tmp^1))>>8)
		upd(p)
		out[i] = p
	}
	return out[12:], out[11]
}

func TestZipCryptoRoundTrip(t *testing.T) {
	t.Parallel()
	f := newFaker(9, 9)
	csv, err := encodeText(roster(f, 30), csvFmt)
	require.NoError(t, err)
	data, err := encodeZip(f.r, []entry{{name: "m.csv", data: csv, seal: zipCrypto}, {name: "a.csv", data: csv, seal: aesMarked}})
	require.NoError(t, err)
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Len(t, zr.File, 2)

	zc := zr.File[0]
	assert.Equal(t, uint16(1), zc.Flags&1)
	raw, err := zc.OpenRaw()
	require.NoError(t, err)
	body, err := io.ReadAll(raw)
	require.NoError(t, err)
	deflated, check := zipDecrypt(body, zipPassword)
	assert.Equal(t, byte(zc.CRC32>>24), check)
	got, err := io.ReadAll(flate.NewReader(bytes.NewReader(deflated)))
	require.NoError(t, err)
	assert.Equal(t, csv, got)

	aes := zr.File[1]
	assert.Equal(t, uint16(99), aes.Method)
	assert.Contains(t, string(aes.Extra), "\x01\x99\x07\x00\x02\x00AE\x03")
}

func TestODSLayout(t *testing.T) {
	t.Parallel()
	f := newFaker(3, 3)
	data, err := encodeODS(f.r, []sheet{{name: "Aelodau", t: welshMembers(f, 20)}})
	require.NoError(t, err)
	// ODF: the mimetype is the first entry, stored, with no extra field, so
	// its text sits at byte 38.
	assert.Equal(t, "mimetype"+odsMime, string(data[30:38+len(odsMime)]))
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	assert.Equal(t, zip.Store, zr.File[0].Method)
	for _, zf := range zr.File[1:] {
		rc, err := zf.Open()
		require.NoError(t, err)
		d := xml.NewDecoder(rc)
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			require.NoError(t, err, "%s must be well-formed XML", zf.Name)
		}
		require.NoError(t, rc.Close())
	}

	enc, err := encryptedODS(f.r, 5000)
	require.NoError(t, err)
	zr, err = zip.NewReader(bytes.NewReader(enc), int64(len(enc)))
	require.NoError(t, err)
	rc, err := zr.Open("META-INF/manifest.xml")
	require.NoError(t, err)
	man, err := io.ReadAll(rc)
	require.NoError(t, err)
	assert.Contains(t, string(man), `manifest:full-path="content.xml"`)
	assert.Contains(t, string(man), "<manifest:encryption-data")
}

func TestWriteMembers(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	n, err := WriteMembers(&b, 1<<20, 1)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, b.Len(), 1<<20)
	assert.Less(t, b.Len(), 1<<20+1024, "stops within a row of the target")
	assert.Equal(t, n+1, strings.Count(b.String(), "\r\n"), "one line per member plus the header")
}
