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
	"fmt"
	"io"
	"unicode/utf16"
)

// ECMA-376 Agile Encryption, as Excel 2013 and later write it for "Encrypt
// with Password": AES-256 in CBC mode, SHA-512, 100,000 spins. Section
// numbers are those of [MS-OFFCRYPTO] (Office Document Cryptography
// Structure). It is done here because excelize, which can save a workbook
// with a password, writes Standard encryption (2.3.4.5) with AES-128 in
// ECB mode (its crypt.go, Encrypt), not agile encryption.
const (
	agileKeyBits   = 256
	agileKeyLen    = agileKeyBits / 8
	agileBlockSize = aes.BlockSize
	agileSaltLen   = 16
	agileHashLen   = sha512.Size
	agileSpinCount = 100000 // what Office 2010 and later write
	agileSegment   = 4096   // 2.3.4.15: the package is encrypted in 4096-byte segments
)

// Block keys of 2.3.4.13 and 2.3.4.14: constants hashed with the derived
// key material so that each use gets its own key or IV.
var (
	blockVerifierInput = []byte{0xfe, 0xa7, 0xd2, 0x76, 0x3b, 0x4b, 0x9e, 0x79}
	blockVerifierValue = []byte{0xd7, 0xaa, 0x0f, 0x6d, 0x30, 0x61, 0x34, 0x4e}
	blockKeyValue      = []byte{0x14, 0x6e, 0x0b, 0xe7, 0xab, 0xac, 0xd0, 0xd6}
	blockHMACKey       = []byte{0x5f, 0xb2, 0xad, 0x01, 0x0c, 0xb9, 0xe1, 0xf6}
	blockHMACValue     = []byte{0xa0, 0x67, 0x7f, 0x02, 0xb2, 0x2c, 0x84, 0x33}
)

// agileSecrets are the random values of one encryption. They come from
// crypto/rand; tests pass fixed ones for known answers.
type agileSecrets struct {
	keySalt       [agileSaltLen]byte // keyData saltValue: IVs of the package and integrity
	passwordSalt  [agileSaltLen]byte // the password key encryptor's saltValue
	verifierInput [agileSaltLen]byte // 2.3.4.13: random bytes the verifier hashes
	secretKey     [agileKeyLen]byte  // the intermediate key that encrypts the package
	hmacKey       [agileHashLen]byte // 2.3.4.14: the salt of the data integrity HMAC
}

func newAgileSecrets(r io.Reader) (*agileSecrets, error) {
	s := new(agileSecrets)
	for _, b := range [][]byte{s.keySalt[:], s.passwordSalt[:], s.verifierInput[:], s.secretKey[:], s.hmacKey[:]} {
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("random bytes for encryption: %w", err)
		}
	}
	return s, nil
}

// agileIterated is the password hash of 2.3.4.11 before the block key:
// H0 = SHA512(salt + password as UTF-16LE), then spinCount rounds of
// Hn = SHA512(iterator as 32-bit little-endian + Hn-1).
func agileIterated(password string, salt []byte, spins int) []byte {
	h := sha512.New()
	h.Write(salt)
	h.Write(utf16LE(password))
	sum := h.Sum(nil)
	var it [4]byte
	for i := range spins {
		binary.LittleEndian.PutUint32(it[:], uint32(i))
		h.Reset()
		h.Write(it[:])
		h.Write(sum)
		sum = h.Sum(sum[:0])
	}
	return sum
}

// agileKey finishes 2.3.4.11 for one block key: SHA512(Hn + blockKey),
// cut to the key length (SHA-512 is longer than any AES key, so the
// 0x36 padding of short hashes never applies).
func agileKey(iterated, blockKey []byte) []byte {
	h := sha512.New()
	h.Write(iterated)
	h.Write(blockKey)
	return h.Sum(nil)[:agileKeyLen]
}

// agileIV is the IV of 2.3.4.12 with a block key: SHA512(keySalt +
// blockKey) cut to the block size. The package segments use the segment
// number as the block key (2.3.4.15).
func agileIV(keySalt, blockKey []byte) []byte {
	h := sha512.New()
	h.Write(keySalt)
	h.Write(blockKey)
	return h.Sum(nil)[:agileBlockSize]
}

// cbcEncrypt encrypts data, zero-padded to whole blocks, with AES-CBC.
func cbcEncrypt(key, iv, data []byte) ([]byte, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	out := make([]byte, (len(data)+agileBlockSize-1)/agileBlockSize*agileBlockSize)
	copy(out, data)
	cipher.NewCBCEncrypter(b, iv).CryptBlocks(out, out)
	return out, nil
}

// encryptPackage builds the EncryptedPackage stream (2.3.4.15): the size
// of the plain package as 64-bit little-endian, then each 4096-byte
// segment encrypted with the secret key and an IV made from the segment's
// number, the last one padded to whole blocks.
func encryptPackage(ctx context.Context, pkg []byte, s *agileSecrets) ([]byte, error) {
	b, err := aes.NewCipher(s.secretKey[:])
	if err != nil {
		return nil, err
	}
	out := make([]byte, 8, 8+len(pkg)+agileBlockSize)
	binary.LittleEndian.PutUint64(out, uint64(len(pkg)))
	var num [4]byte
	for i := 0; i*agileSegment < len(pkg); i++ {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		seg := pkg[i*agileSegment : min(len(pkg), (i+1)*agileSegment)]
		start := len(out)
		out = append(out, seg...)
		if pad := len(seg) % agileBlockSize; pad != 0 {
			out = append(out, make([]byte, agileBlockSize-pad)...)
		}
		binary.LittleEndian.PutUint32(num[:], uint32(i))
		cipher.NewCBCEncrypter(b, agileIV(s.keySalt[:], num[:])).CryptBlocks(out[start:], out[start:])
	}
	return out, nil
}

// agileEncryptionInfo builds the EncryptionInfo stream (2.3.4.10):
// version 4.4, flags 0x40, then the XML encryption descriptor. encrypted
// is the whole EncryptedPackage stream, whose HMAC the descriptor carries
// (2.3.4.14).
func agileEncryptionInfo(password string, s *agileSecrets, encrypted []byte, spins int) ([]byte, error) {
	// The password key encryptor (2.3.4.13).
	iterated := agileIterated(password, s.passwordSalt[:], spins)
	verifierHash := sha512.Sum512(s.verifierInput[:])
	// Data integrity (2.3.4.14): an HMAC-SHA512 of the EncryptedPackage
	// stream, its key and value encrypted with the secret key.
	mac := hmac.New(sha512.New, s.hmacKey[:])
	mac.Write(encrypted)
	var enc [5][]byte
	for i, c := range []struct{ key, iv, data []byte }{
		{agileKey(iterated, blockVerifierInput), s.passwordSalt[:], s.verifierInput[:]},
		{agileKey(iterated, blockVerifierValue), s.passwordSalt[:], verifierHash[:]},
		{agileKey(iterated, blockKeyValue), s.passwordSalt[:], s.secretKey[:]},
		{s.secretKey[:], agileIV(s.keySalt[:], blockHMACKey), s.hmacKey[:]},
		{s.secretKey[:], agileIV(s.keySalt[:], blockHMACValue), mac.Sum(nil)},
	} {
		var err error
		if enc[i], err = cbcEncrypt(c.key, c.iv, c.data); err != nil {
			return nil, err
		}
	}
	encVerifierInput, encVerifierHash, encKeyValue, encHMACKey, encHMACValue := enc[0], enc[1], enc[2], enc[3], enc[4]

	b64 := base64.StdEncoding.EncodeToString
	params := fmt.Sprintf(`saltSize="%d" blockSize="%d" keyBits="%d" hashSize="%d" cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"`,
		agileSaltLen, agileBlockSize, agileKeyBits, agileHashLen)
	var buf bytes.Buffer
	buf.Write([]byte{4, 0, 4, 0, 0x40, 0, 0, 0})
	buf.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n")
	fmt.Fprintf(&buf, `<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password" xmlns:c="http://schemas.microsoft.com/office/2006/keyEncryptor/certificate">`+
		`<keyData %s saltValue="%s"/>`+
		`<dataIntegrity encryptedHmacKey="%s" encryptedHmacValue="%s"/>`+
		`<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">`+
		`<p:encryptedKey spinCount="%d" %s saltValue="%s" encryptedVerifierHashInput="%s" encryptedVerifierHashValue="%s" encryptedKeyValue="%s"/>`+
		`</keyEncryptor></keyEncryptors></encryption>`,
		params, b64(s.keySalt[:]),
		b64(encHMACKey), b64(encHMACValue),
		spins, params, b64(s.passwordSalt[:]), b64(encVerifierInput), b64(encVerifierHash), b64(encKeyValue))
	return buf.Bytes(), nil
}

func utf16LE(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// The \x06DataSpaces storage (2.1.1 to 2.1.9, 2.3.4.1): it says that the
// EncryptedPackage stream is transformed by the strong encryption
// transform. Excel writes it; [MS-OFFCRYPTO] 2.3.4.1 requires it.

// lpUTF16 is a UNICODE-LP-P4 (2.1.2): the byte length as 32 bits, the
// UTF-16LE characters, padding to a multiple of four bytes.
func lpUTF16(s string) []byte {
	u := utf16LE(s)
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(u)))
	b = append(b, u...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

func u32s(vs ...uint32) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// version1 is a DataSpaceVersionInfo's three versions (reader, updater,
// writer), each 1.0: major 1 and minor 0 as two 16-bit numbers.
var version1 = u32s(1, 1, 1)

func dataSpaceStreams() []cfbStream {
	// 2.1.5 DataSpaceVersionInfo.
	version := append(lpUTF16("Microsoft.Container.DataSpaces"), version1...)
	// 2.1.6 DataSpaceMap with one DataSpaceMapEntry: a stream reference
	// (type 0) to EncryptedPackage, in the StrongEncryptionDataSpace.
	entry := append(append(u32s(1, 0), lpUTF16("EncryptedPackage")...), lpUTF16("StrongEncryptionDataSpace")...)
	dsMap := append(u32s(8, 1, uint32(4+len(entry))), entry...)
	// 2.1.7 DataSpaceDefinition: one transform.
	def := append(u32s(8, 1), lpUTF16("StrongEncryptionTransform")...)
	// 2.1.8 TransformInfoHeader (its length counts itself, the type and
	// the ID) and 2.1.9 EncryptionTransformInfo with no name, block size
	// 0, cipher mode 0 and reserved 4, as 2.3.4.1 asks for agile
	// encryption.
	id := lpUTF16("{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}")
	primary := append(u32s(uint32(8+len(id)), 1), id...)
	primary = append(primary, lpUTF16("Microsoft.Container.EncryptionTransform")...)
	primary = append(primary, version1...)
	primary = append(primary, u32s(0, 0, 0, 4)...)
	return []cfbStream{
		{path: []string{"\x06DataSpaces", "Version"}, data: version},
		{path: []string{"\x06DataSpaces", "DataSpaceMap"}, data: dsMap},
		{path: []string{"\x06DataSpaces", "DataSpaceInfo", "StrongEncryptionDataSpace"}, data: def},
		{path: []string{"\x06DataSpaces", "TransformInfo", "StrongEncryptionTransform", "\x06Primary"}, data: primary},
	}
}

// writeEncryptedWorkbook encrypts an OOXML package (the bytes of a .xlsx)
// under password and writes the compound file Excel's "Encrypt with
// Password" makes (2.3.4.1): the data spaces, EncryptionInfo and
// EncryptedPackage.
func writeEncryptedWorkbook(ctx context.Context, w io.Writer, pkg []byte, password string, s *agileSecrets) error {
	encrypted, err := encryptPackage(ctx, pkg, s)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	info, err := agileEncryptionInfo(password, s, encrypted, agileSpinCount)
	if err != nil {
		return err
	}
	streams := append(dataSpaceStreams(),
		cfbStream{path: []string{"EncryptionInfo"}, data: info},
		cfbStream{path: []string{"EncryptedPackage"}, data: encrypted},
	)
	if err := writeCFB(w, streams); err != nil {
		return fmt.Errorf("writing the encrypted workbook: %w", err)
	}
	return nil
}
