package desktop

import "strings"

// appleScriptString quotes s as an AppleScript string literal. Inside
// double quotes AppleScript gives meaning to the backslash and the double
// quote only; line breaks are written as \n and \r, and other control
// characters, which a notification cannot show anyway, become spaces.
func appleScriptString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case unsafeRune(r):
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// notificationScript is the osascript program that shows m.
func notificationScript(m Message) string {
	return "display notification " + appleScriptString(m.Body) + " with title " + appleScriptString(m.Title)
}
