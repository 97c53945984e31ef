package desktop

import (
	"encoding/base64"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/stretchr/testify/require"
)

// hostile are file names and texts that must reach the user as text.
var hostile = []string{
	`Members.csv`,
	`a "quoted" name.csv`,
	`back\slash\.csv`,
	`</text></binding></visual><actions><action content="x" arguments="evil"/></actions><text>`,
	`Tom & Jerry <list>.csv`,
	"two\nlines\r\nand\ttab.csv",
	`it's 'single'.csv`,
	"nul\x00bell\x07.csv",
	`" with title "pwned`,
	`\" & do shell script "touch /tmp/pwned" & "`,
	"emoji 🗳️ and ünïcödé.csv",
}

func TestToastXMLEscapesEverything(t *testing.T) {
	t.Parallel()
	for _, s := range hostile {
		for _, urgent := range []bool{false, true} {
			x := toastXML(Message{Title: "Title " + s, Body: "Body " + s}, urgent)
			var toast struct {
				XMLName  xml.Name `xml:"toast"`
				Scenario string   `xml:"scenario,attr"`
				Texts    []string `xml:"visual>binding>text"`
				Actions  []struct {
					Arguments string `xml:"arguments,attr"`
				} `xml:"actions>action"`
			}
			require.NoError(t, xml.Unmarshal([]byte(x), &toast), "%q gave %s", s, x)
			want := strings.Map(func(r rune) rune {
				if r == 0 || r == 7 {
					return '\uFFFD' // XML cannot carry these
				}
				return r
			}, s)
			require.Equal(t, []string{"Title " + want, "Body " + want}, toast.Texts, "%q", s)
			if urgent {
				require.Equal(t, "reminder", toast.Scenario)
				require.Len(t, toast.Actions, 1)
				require.Equal(t, "dismiss", toast.Actions[0].Arguments)
			} else {
				require.Empty(t, toast.Actions, "%q smuggled an action in", s)
			}
		}
	}
}

func TestToastXMLGolden(t *testing.T) {
	t.Parallel()
	require.Equal(t,
		`<toast duration="long"><visual><binding template="ToastGeneric"><text>Members.csv will be deleted in 1 hour</text>`+
			`<text>Tom &amp; Jerry &lt;3&gt; &#34;x&#34;</text></binding></visual></toast>`,
		toastXML(Message{Title: "Members.csv will be deleted in 1 hour", Body: `Tom & Jerry <3> "x"`}, false))
}

func TestEncodedCommand(t *testing.T) {
	t.Parallel()
	b, err := base64.StdEncoding.DecodeString(encodedCommand(toastScript))
	require.NoError(t, err)
	require.Zero(t, len(b)%2)
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	require.Equal(t, toastScript, string(utf16.Decode(u)))
	// The script takes everything variable from the environment.
	require.Contains(t, toastScript, "$env:DATAWARD_TOAST_XML")
	require.Contains(t, toastScript, "$env:DATAWARD_TOAST_AUMID")
	require.Equal(t, "SABpAA==", encodedCommand("Hi"))
}

func TestIcon(t *testing.T) {
	t.Parallel()
	p := iconPNG()
	require.Equal(t, "\x89PNG\r\n\x1a\n", string(p[:8]))
	ico := icoFromPNG(p, iconSize)
	require.Equal(t, []byte{0, 0, 1, 0, 1, 0, 32, 32, 0, 0, 1, 0, 32, 0}, ico[:14])
	require.Equal(t, p, ico[22:])
	require.Equal(t, uint32(len(p)), uint32(ico[14])|uint32(ico[15])<<8|uint32(ico[16])<<16|uint32(ico[17])<<24)
}
