package crypt

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// seed adds every fixture matching glob to the corpus.
func seed(f *testing.F, glob string) {
	files, err := filepath.Glob(filepath.Join("testdata", glob))
	if err != nil || len(files) == 0 {
		f.Fatalf("no fixtures for %s: %v", glob, err)
	}
	for _, name := range files {
		f.Add(fixture(f, name[len("testdata/"):]))
	}
}

// fuzzed checks what every detector promises whatever the input: an Info
// naming a scheme, or an error wrapping one of the package's sentinels.
func fuzzed(t *testing.T, info Info, err error) {
	switch {
	case err == nil && info.Scheme == "":
		t.Fatalf("no scheme and no error: %+v", info)
	case err != nil && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) && !errors.Is(err, errors.ErrUnsupported):
		t.Fatalf("error outside the sentinels: %v", err)
	}
}

func FuzzCFB(f *testing.F) {
	seed(f, "cfb/*")
	for _, files := range []cfbFile{
		{"EncryptionInfo": {4, 0, 4, 0, 0x40, 0, 0, 0}, "EncryptedPackage": {1}},
		{"\x06DataSpaces/DataSpaceMap": utf16le("DRMEncryptedDataSpace"), "EncryptedPackage": {1}},
		{"Workbook": workbook(cryptoAPIFilePass(velvetSweatshop, 128))},
		{"PowerPoint Document": {1}, "Current User": make([]byte, 16)},
	} {
		b, _ := writeCFB(files)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := CFB(bytes.NewReader(b), int64(len(b)))
		fuzzed(t, info, err)
	})
}

func FuzzPDF(f *testing.F) {
	seed(f, "pdf/*.pdf")
	f.Add(buildPDF([]string{"<< /Type /Catalog >>", "<< /Filter /Standard /V 2 /R 3 /O (a\\(b\\)c) /U <00ff> /P -4 >>"}, "/Root 1 0 R /Encrypt 2 0 R /ID [<00><00>]", true))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := PDF(bytes.NewReader(b), int64(len(b)))
		fuzzed(t, info, err)
	})
}

func FuzzSevenZip(f *testing.F) {
	seed(f, "7z/*.7z")
	f.Add(copyArchive([]byte{0x00}, nil, [2]uint64{3, 2}, []byte("abcde")))
	f.Fuzz(func(t *testing.T, b []byte) {
		info, err := SevenZip(bytes.NewReader(b), int64(len(b)))
		fuzzed(t, info, err)
		// Open and read a little of the first few entries, as a caller
		// classifying them would.
		n := 0
		err = SevenZipEntries(bytes.NewReader(b), int64(len(b)), func(_ string, _ int64, open func() (io.ReadCloser, error)) error {
			if n++; n > 3 {
				return nil
			}
			rc, err := open()
			if err != nil {
				return nil
			}
			_, _ = io.Copy(io.Discard, io.LimitReader(rc, 4<<10))
			_ = rc.Close()
			return nil
		})
		if err != nil {
			fuzzed(t, Info{}, err)
		}
	})
}
