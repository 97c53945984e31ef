package desktop

import (
	"testing"

	"github.com/rs/zerolog"
	"github.com/stretchr/testify/require"
)

func TestRevealCommands(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"/usr/bin/xdg-open", "/home/ann/Downloads/a b"},
		xdgOpenArgv("/usr/bin/xdg-open", "/home/ann/Downloads/a b/Members; rm -rf ~.csv"))
	require.Equal(t, []string{"/usr/bin/open", "-R", "/Users/ann/Downloads/$(x) `y`.csv"},
		openRevealArgv("/usr/bin/open", "/Users/ann/Downloads/$(x) `y`.csv"))

	line, err := explorerCmdLine(`C:\Windows\explorer.exe`, `C:\Users\Ann\Downloads\Members & co (3).csv`)
	require.NoError(t, err)
	require.Equal(t, `"C:\Windows\explorer.exe" /select,"C:\Users\Ann\Downloads\Members & co (3).csv"`, line)
	for _, bad := range []string{`C:\a"b.csv`, "C:\\a\nb.csv", "C:\\a\x00b"} {
		_, err := explorerCmdLine(`C:\Windows\explorer.exe`, bad)
		require.Error(t, err, "%q", bad)
	}
}

func TestShowInFolderWantsAnAbsolutePath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "Members.csv", "-n", "--help"} {
		require.ErrorIs(t, showInFolder(zerolog.Nop(), p), ErrNotAbsolute, "%q", p)
	}
}
