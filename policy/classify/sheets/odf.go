package sheets

import (
	"archive/zip"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

const (
	// maxManifestBytes bounds META-INF/manifest.xml; real ones take a few
	// kilobytes.
	maxManifestBytes = 1 << 20
	// maxMimetypeBytes bounds the mimetype entry; the longest ODF type is
	// under 60 bytes.
	maxMimetypeBytes = 256
)

// ODSEncrypted reports whether an ODF package (ODS, or any other) is
// password-encrypted. ODF encryption is invisible at the zip layer: no
// entry carries the zip encryption flag. The manifest has an
// encryption-data element for each encrypted entry (ODF 1.2 Part 3,
// Packages), and LibreOffice's "wholesome" encryption wraps the whole
// document in a single encrypted-package entry.
func ODSEncrypted(zr *zip.Reader) (bool, error) {
	if zipFile(zr, "encrypted-package") != nil {
		return true, nil
	}
	f := zipFile(zr, "META-INF/manifest.xml")
	if f == nil {
		return false, nil
	}
	// The manifest is tiny and read whole or not at all, so there is no
	// long loop for a context to interrupt.
	p, c, err := openPart(context.Background(), f, maxManifestBytes)
	if err != nil {
		return false, fmt.Errorf("reading ODF manifest: %w", err)
	}
	defer c.Close()
	for {
		tok, err := p.token()
		switch {
		case err == io.EOF:
			return false, nil
		case err != nil:
			return false, fmt.Errorf("reading ODF manifest: %w", err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "encryption-data" {
			return true, nil
		}
	}
}

// ODFMimetype returns the contents of an ODF package's mimetype entry,
// trimmed, or "" if it has none or it cannot be read. ODF stores this entry
// first, uncompressed and unencrypted (ODF 1.2 Part 3, Packages), so that
// the type is known without parsing XML, even in encrypted packages.
func ODFMimetype(zr *zip.Reader) string {
	f := zipFile(zr, "mimetype")
	if f == nil {
		return ""
	}
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxMimetypeBytes))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// zipFile finds an entry by its exact name; ODF names are case-sensitive.
func zipFile(zr *zip.Reader, name string) *zip.File {
	for _, f := range zr.File {
		if f.Name == name {
			return f
		}
	}
	return nil
}
