package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"dataward/agent/protect"
)

// TestTrayProtectsAFlaggedFile: the tray's menu item protects the real file
// next to itself and its message carries the password and what to do.
func TestTrayProtectsAFlaggedFile(t *testing.T) {
	t.Parallel()
	in := filepath.Join(t.TempDir(), "Members.csv")
	require.NoError(t, os.WriteFile(in, []byte(membersCSV()), 0o600))
	out, msg, err := protectForTray(t.Context(), in)
	require.NoError(t, err)
	require.Equal(t, filepath.Join(filepath.Dir(in), "Members.protected.xlsx"), out)
	require.FileExists(t, out)
	require.Equal(t, "Encrypted for sharing: Members.protected.xlsx", msg.Title)
	lines := strings.Split(msg.Body, "\n")
	require.Len(t, strings.Split(lines[1], "-"), protect.PassphraseWords, "the password on its own line: %q", lines[1])
	require.Contains(t, msg.Body, "Excel or LibreOffice")
	require.Contains(t, msg.Body, "never by e-mail")
	require.Contains(t, msg.Body, "Download – Use – Delete")
}
