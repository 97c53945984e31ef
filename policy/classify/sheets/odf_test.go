package sheets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// encryptionData is what LibreOffice writes for a password-protected entry.
const encryptionData = `<manifest:encryption-data manifest:checksum-type="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0#sha256-1k" manifest:checksum="aGVsbG8=">` +
	`<manifest:algorithm manifest:algorithm-name="http://www.w3.org/2001/04/xmlenc#aes256-cbc" manifest:initialisation-vector="aGVsbG8="/>` +
	`<manifest:start-key-generation manifest:start-key-generation-name="http://www.w3.org/2000/09/xmldsig#sha256" manifest:key-size="32"/>` +
	`<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:key-size="32" manifest:iteration-count="100000" manifest:salt="aGVsbG8="/>` +
	`</manifest:encryption-data>`

func TestODSEncrypted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		parts   []part
		want    bool
		wantErr error
	}{
		{"plain", odsPackage(odsContent()), false, nil},
		{"encrypted entries", []part{{"mimetype", odsMimetype}, {"content.xml", "\x8f\x02binary"}, {"META-INF/manifest.xml", manifest(encryptionData)}}, true, nil},
		{"wholesome encryption", []part{{"mimetype", odsMimetype}, {"encrypted-package", "\x01\x02"}, {"META-INF/manifest.xml", manifest(encryptionData)}}, true, nil},
		{"encrypted-package alone", []part{{"encrypted-package", "\x01\x02"}}, true, nil},
		{"no manifest", []part{{"content.xml", odsContent()}}, false, nil},
		{"malformed manifest", []part{{"META-INF/manifest.xml", "<manifest:manifest><"}}, false, ErrMalformed},
		{"manifest over its limit", []part{{"META-INF/manifest.xml", "<m>" + strings.Repeat("<e/>", maxManifestBytes/4) + encryptionData + "</m>"}}, false, ErrLimit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ODSEncrypted(openZip(t, zipBytes(t, false, tt.parts...)))
			require.ErrorIs(t, err, tt.wantErr)
			require.Equal(t, tt.want, got)
		})
	}
}

func TestODFMimetype(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		parts []part
		want  string
	}{
		{"spreadsheet", []part{{"mimetype", odsMimetype}}, odsMimetype},
		{"trimmed", []part{{"mimetype", " " + odsMimetype + "\r\n"}}, odsMimetype},
		{"absent", []part{{"content.xml", "<x/>"}}, ""},
		{"bounded", []part{{"mimetype", strings.Repeat("a", 10_000)}}, strings.Repeat("a", maxMimetypeBytes)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, ODFMimetype(openZip(t, zipBytes(t, true, tt.parts...))))
		})
	}
}
