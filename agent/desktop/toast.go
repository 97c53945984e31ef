package desktop

import (
	"encoding/base64"
	"encoding/xml"
	"strings"
	"unicode/utf16"
)

// AppUserModelID is the AUMID dataward's toasts are sent under. Windows
// shows toasts of an unpackaged app only for an AUMID registered under
// HKLM\Software\Classes\AppUserModelId\<AUMID> (DisplayName, IconUri) or
// carried by a Start-menu shortcut; the installer registers this one.
const AppUserModelID = "Dataward.Tray"

// powerShellAUMID is Windows PowerShell's own AUMID, registered on every
// Windows 10 and 11: toasts go out under it while ours is not registered
// (a helper run before or without the installer), attributed to
// "Windows PowerShell".
const powerShellAUMID = `{1AC14E77-02E7-4E5D-B744-2EB1AE5198B7}\WindowsPowerShell\v1.0\powershell.exe`

// toastXML is the toast payload for m. Every string in it is escaped: a
// file may be named "</text><action …>".
func toastXML(m Message, urgent bool) string {
	var b strings.Builder
	b.WriteString(`<toast duration="long"`)
	if urgent {
		// Stays on screen until dismissed; a reminder needs a button.
		b.WriteString(` scenario="reminder"`)
	}
	b.WriteString(`><visual><binding template="ToastGeneric"><text>`)
	xmlText(&b, m.Title)
	b.WriteString(`</text><text>`)
	xmlText(&b, m.Body)
	b.WriteString(`</text></binding></visual>`)
	if urgent {
		b.WriteString(`<actions><action activationType="system" arguments="dismiss" content=""/></actions>`)
	}
	b.WriteString(`</toast>`)
	return b.String()
}

// xmlText writes s as XML character data; characters XML cannot carry
// become U+FFFD.
func xmlText(b *strings.Builder, s string) {
	_ = xml.EscapeText(b, []byte(s)) // a strings.Builder does not fail
}

// toastScript shows the toast in $env:DATAWARD_TOAST_XML under the AUMID
// in $env:DATAWARD_TOAST_AUMID. It is constant: what the user sees
// reaches PowerShell as data in the environment, never as code. The
// WinRT projections it uses exist in Windows PowerShell 5.1 only, not in
// PowerShell 7.
const toastScript = `$ErrorActionPreference = 'Stop'
[Windows.UI.Notifications.ToastNotificationManager, Windows.UI.Notifications, ContentType = WindowsRuntime] | Out-Null
[Windows.Data.Xml.Dom.XmlDocument, Windows.Data.Xml.Dom.XmlDocument, ContentType = WindowsRuntime] | Out-Null
$xml = New-Object Windows.Data.Xml.Dom.XmlDocument
$xml.LoadXml($env:DATAWARD_TOAST_XML)
$toast = New-Object Windows.UI.Notifications.ToastNotification $xml
[Windows.UI.Notifications.ToastNotificationManager]::CreateToastNotifier($env:DATAWARD_TOAST_AUMID).Show($toast)
`

// encodedCommand is script as PowerShell's -EncodedCommand takes it:
// base64 of UTF-16LE. It spares the script Windows' command-line quoting.
func encodedCommand(script string) string {
	u := utf16.Encode([]rune(script))
	b := make([]byte, 2*len(u))
	for i, c := range u {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return base64.StdEncoding.EncodeToString(b)
}
