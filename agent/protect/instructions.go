package protect

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Message is what the sender needs besides the passphrase: the text for
// the e-mail that carries the file, and a reminder for the sender alone.
// Neither ever holds the passphrase.
type Message struct {
	Email    string
	Reminder string
}

// Instructions returns the e-mail text and the reminder for a protected
// file, in plain British English.
func Instructions(r Result) Message {
	name := filepath.Base(r.Path)
	var email strings.Builder
	if r.Kind == Workbook {
		fmt.Fprintf(&email, "The attached file, %s, is a spreadsheet encrypted with a password.\n\n", name)
		email.WriteString("To open it, use Microsoft Excel or LibreOffice Calc, which will ask for the password.\n\n")
	} else {
		fmt.Fprintf(&email, "The attached file, %s, is a zip archive encrypted with a password (AES-256).\n\n", name)
		email.WriteString("To open it on Windows, use 7-Zip; on a Mac, use Keka or The Unarchiver. " +
			"The zip support built into Windows and macOS may not open this kind of encryption. " +
			"The program will ask for the password.\n\n")
	}
	email.WriteString("I will send you the password separately, by text message or by phone. It will not come by e-mail.\n\n")
	email.WriteString("The file holds personal data, so please follow Download – Use – Delete: " +
		"download it, use it for the purpose it was sent for, and then delete it, " +
		"together with any copies (your Downloads folder, deleted items and recycle bin included). " +
		"Please do not forward it.\n")

	var rem strings.Builder
	rem.WriteString("Before you send it:\n")
	rem.WriteString("- Send the password by text message or read it out by phone, to the recipient only. " +
		"Never send it by e-mail, and never in the same message as the file.\n")
	rem.WriteString("- The password is for this file alone. Do not write it down or use it again: " +
		"to send the data to someone else, protect it again and you will get a new password.\n")
	rem.WriteString("- Ask the recipient to Download – Use – Delete too: to delete the file and every copy once they have used it.\n")
	fmt.Fprintf(&rem, "- Your original, %s, is unchanged and stays on this computer: "+
		"the party's retention rules still apply to it, so delete it once it has been sent if you no longer need it.\n",
		filepath.Base(r.Source))
	return Message{Email: email.String(), Reminder: rem.String()}
}
