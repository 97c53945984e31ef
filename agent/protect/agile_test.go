package protect

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/richardlehane/mscfb"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"dataward/policy/classify/crypt"
)

// fixedSecrets are agile secrets with known values, for repeatable tests.
func fixedSecrets(t *testing.T) *agileSecrets {
	t.Helper()
	var b bytes.Buffer
	for i := range 16 + 16 + 16 + 32 + 64 {
		b.WriteByte(byte(i * 7))
	}
	s, err := newAgileSecrets(&b)
	require.NoError(t, err)
	return s
}

// readCFBStreams reads every stream of a compound file with mscfb, an
// independent reader, by path ("a/b"; mscfb drops the control character
// that starts "\x06DataSpaces").
func readCFBStreams(t *testing.T, b []byte) map[string][]byte {
	t.Helper()
	doc, err := mscfb.New(bytes.NewReader(b))
	require.NoError(t, err)
	out := map[string][]byte{}
	for e, err := doc.Next(); err == nil; e, err = doc.Next() {
		if e.FileInfo().IsDir() {
			continue
		}
		data, err := io.ReadAll(e)
		require.NoError(t, err)
		out[strings.Join(append(append([]string{}, e.Path...), e.Name), "/")] = data
	}
	return out
}

// agileDescriptor is the part of the EncryptionInfo XML a reader needs.
type agileDescriptor struct {
	KeyData struct {
		SaltValue string `xml:"saltValue,attr"`
		KeyBits   int    `xml:"keyBits,attr"`
		HashAlg   string `xml:"hashAlgorithm,attr"`
		Chaining  string `xml:"cipherChaining,attr"`
	} `xml:"keyData"`
	DataIntegrity struct {
		Key   string `xml:"encryptedHmacKey,attr"`
		Value string `xml:"encryptedHmacValue,attr"`
	} `xml:"dataIntegrity"`
	Key struct {
		SpinCount     int    `xml:"spinCount,attr"`
		SaltValue     string `xml:"saltValue,attr"`
		VerifierInput string `xml:"encryptedVerifierHashInput,attr"`
		VerifierHash  string `xml:"encryptedVerifierHashValue,attr"`
		KeyValue      string `xml:"encryptedKeyValue,attr"`
	} `xml:"keyEncryptors>keyEncryptor>encryptedKey"`
}

func cbcDecrypt(t *testing.T, key, iv, data []byte) []byte {
	t.Helper()
	b, err := aes.NewCipher(key)
	require.NoError(t, err)
	out := make([]byte, len(data))
	cipher.NewCBCDecrypter(b, iv).CryptBlocks(out, data)
	return out
}

// decryptAgile opens an agile-encrypted workbook the way [MS-OFFCRYPTO]
// 2.3.4.10 to 2.3.4.15 describe: it checks the password verifier and the
// data integrity HMAC, then decrypts the package.
func decryptAgile(t *testing.T, file []byte, password string) ([]byte, error) {
	t.Helper()
	streams := readCFBStreams(t, file)
	info, pkg := streams["EncryptionInfo"], streams["EncryptedPackage"]
	require.NotNil(t, info)
	require.NotNil(t, pkg)
	require.Equal(t, []byte{4, 0, 4, 0, 0x40, 0, 0, 0}, info[:8], "version 4.4, flags 0x40")
	var d agileDescriptor
	require.NoError(t, xml.Unmarshal(info[8:], &d))
	require.Equal(t, 256, d.KeyData.KeyBits)
	require.Equal(t, "SHA512", d.KeyData.HashAlg)
	require.Equal(t, "ChainingModeCBC", d.KeyData.Chaining)
	require.Equal(t, agileSpinCount, d.Key.SpinCount)
	dec := func(s string) []byte {
		b, err := base64.StdEncoding.DecodeString(s)
		require.NoError(t, err)
		return b
	}
	pwSalt, keySalt := dec(d.Key.SaltValue), dec(d.KeyData.SaltValue)
	it := agileIterated(password, pwSalt, d.Key.SpinCount)
	input := cbcDecrypt(t, agileKey(it, blockVerifierInput), pwSalt, dec(d.Key.VerifierInput))[:agileSaltLen]
	hash := cbcDecrypt(t, agileKey(it, blockVerifierValue), pwSalt, dec(d.Key.VerifierHash))
	want := sha512.Sum512(input)
	if !bytes.Equal(want[:], hash[:agileHashLen]) {
		return nil, errors.New("wrong password")
	}
	secret := cbcDecrypt(t, agileKey(it, blockKeyValue), pwSalt, dec(d.Key.KeyValue))[:agileKeyLen]

	hmacKey := cbcDecrypt(t, secret, agileIV(keySalt, blockHMACKey), dec(d.DataIntegrity.Key))
	hmacValue := cbcDecrypt(t, secret, agileIV(keySalt, blockHMACValue), dec(d.DataIntegrity.Value))
	mac := hmac.New(sha512.New, hmacKey[:agileHashLen])
	mac.Write(pkg)
	if !hmac.Equal(mac.Sum(nil), hmacValue[:agileHashLen]) {
		return nil, errors.New("data integrity check failed")
	}

	size := binary.LittleEndian.Uint64(pkg)
	var plain []byte
	var num [4]byte
	for i, off := 0, 8; off < len(pkg); i, off = i+1, off+agileSegment {
		seg := pkg[off:min(len(pkg), off+agileSegment)]
		binary.LittleEndian.PutUint32(num[:], uint32(i))
		plain = append(plain, cbcDecrypt(t, secret, agileIV(keySalt, num[:]), seg)...)
	}
	require.GreaterOrEqual(t, uint64(len(plain)), size)
	return plain[:size], nil
}

// The data spaces are the structures of [MS-OFFCRYPTO] 2.1.5 to 2.1.9 with
// the sizes Excel writes.
func TestDataSpaceStreams(t *testing.T) {
	t.Parallel()
	want := map[string]int{"Version": 76, "DataSpaceMap": 112, "StrongEncryptionDataSpace": 64, "\x06Primary": 200}
	for _, s := range dataSpaceStreams() {
		name := s.path[len(s.path)-1]
		require.Len(t, s.data, want[name], name)
		require.Zero(t, len(s.data)%4, name)
	}
	// DataSpaceMap: header length 8, one entry of 104 bytes, one stream
	// reference (type 0) named EncryptedPackage.
	m := dataSpaceStreams()[1].data
	require.Equal(t, u32s(8, 1, 104, 1, 0, 32), m[:24])
	require.Equal(t, utf16LE("EncryptedPackage"), m[24:56])
	// TransformInfoHeader: length 88 (itself, type, ID), type 1.
	p := dataSpaceStreams()[3].data
	require.Equal(t, u32s(88, 1, 76), p[:12])
	require.Equal(t, u32s(1, 1, 1, 0, 0, 0, 4), p[172:])
}

// A workbook encrypted here opens with the password in excelize (an
// independent agile decryptor) and in decryptAgile, which also checks the
// verifier and the HMAC; a wrong password and a changed byte are caught.
func TestAgileRoundTrip(t *testing.T) {
	t.Parallel()
	w := newWorkbookWriter(DefaultLimits())
	require.NoError(t, w.startSheet("Members"))
	require.NoError(t, w.writeRow(0, []string{"Elector number", "Name"}))
	for i := range 2000 {
		require.NoError(t, w.writeRow(i+1, []string{"0" + strings.Repeat("1", i%7+1), "Siân Llŷr"}))
	}
	pkg, err := w.finish()
	require.NoError(t, err)
	require.Greater(t, len(pkg), 3*agileSegment, "several segments")

	const password = "tiny-wombat-raft-ember-quiver-mosaic"
	var out bytes.Buffer
	require.NoError(t, writeEncryptedWorkbook(t.Context(), &out, pkg, password, fixedSecrets(t)))
	file := out.Bytes()

	got, err := decryptAgile(t, file, password)
	require.NoError(t, err)
	require.Equal(t, pkg, got)

	got, err = excelize.Decrypt(file, &excelize.Options{Password: password})
	require.NoError(t, err)
	require.Equal(t, pkg, got)
	f, err := excelize.OpenReader(bytes.NewReader(file), excelize.Options{Password: password})
	require.NoError(t, err)
	rows, err := f.GetRows("Members")
	require.NoError(t, err)
	require.Len(t, rows, 2001)
	require.Equal(t, []string{"01", "Siân Llŷr"}, rows[1])
	require.NoError(t, f.Close())

	_, err = decryptAgile(t, file, password+"x")
	require.Error(t, err)

	// Every stream of [MS-OFFCRYPTO] 2.3.4.1, as mscfb reads them.
	streams := readCFBStreams(t, file)
	for _, name := range []string{"EncryptionInfo", "EncryptedPackage", "DataSpaces/Version", "DataSpaces/DataSpaceMap",
		"DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace", "DataSpaces/TransformInfo/StrongEncryptionTransform/Primary"} {
		require.Contains(t, streams, name)
	}

	// The classifier calls it an agile-encrypted package.
	info, err := crypt.CFB(bytes.NewReader(file), int64(len(file)))
	require.NoError(t, err)
	require.True(t, info.Encrypted)
	require.Contains(t, info.Scheme+" "+info.Detail, "agile")

	// A changed ciphertext byte fails the integrity check.
	pkgStream := streams["EncryptedPackage"]
	i := bytes.Index(file, pkgStream[:64])
	require.Positive(t, i)
	tampered := bytes.Clone(file)
	tampered[i+5000] ^= 1
	_, err = decryptAgile(t, tampered, password)
	require.ErrorContains(t, err, "integrity")
}

func TestEncryptPackageCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := encryptPackage(ctx, make([]byte, 10000), fixedSecrets(t))
	require.ErrorIs(t, err, context.Canceled)
}
