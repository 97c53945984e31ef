package desktop

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppleScriptString(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{`Members.csv`, `"Members.csv"`},
		{`a "quoted" name`, `"a \"quoted\" name"`},
		{`back\slash\`, `"back\\slash\\"`},
		{"two\nlines\r\nand\ttab", `"two\nlines\r\nand\ttab"`},
		{`" with title "pwned`, `"\" with title \"pwned"`},
		{`\" & do shell script "touch /tmp/pwned" & "`, `"\\\" & do shell script \"touch /tmp/pwned\" & \""`},
		{"nul\x00bell\x07 rlo\u202E", `"nul bell  rlo "`},
		{"Tom & Jerry <list> 🗳️ ü", `"Tom & Jerry <list> 🗳️ ü"`},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, appleScriptString(tt.in), "%q", tt.in)
	}
}

// TestAppleScriptStringStaysOneLiteral reads each quoted string back the
// way AppleScript's lexer does and checks that it ends exactly at the end:
// nothing in a name can close the literal early and become code.
func TestAppleScriptStringStaysOneLiteral(t *testing.T) {
	t.Parallel()
	for _, s := range hostile {
		q := appleScriptString(s)
		got, rest, ok := readAppleScriptString(q)
		require.True(t, ok, "%q gave %s", s, q)
		require.Empty(t, rest, "%q: the literal %s ended early", s, q)
		want := strings.Map(func(r rune) rune {
			if unsafeRune(r) && r != '\n' && r != '\r' && r != '\t' {
				return ' '
			}
			return r
		}, s)
		require.Equal(t, want, got)
		require.NotContains(t, q, "\n", "a raw line break in %s", q)
	}
	script := notificationScript(Message{Title: `T "1"`, Body: `B \ 2`})
	require.Equal(t, `display notification "B \\ 2" with title "T \"1\""`, script)
}

// readAppleScriptString parses one double-quoted AppleScript literal at the
// start of s and returns its value and what follows it.
func readAppleScriptString(s string) (val, rest string, ok bool) {
	if !strings.HasPrefix(s, `"`) {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
			i++
			if i == len(s) {
				return "", "", false
			}
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			default:
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", false
}
