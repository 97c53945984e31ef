package agent

import (
	"context"
	"io"
	"path/filepath"

	"dataward/agent/protect"
)

// ProtectOptions are the arguments of `dataward protect`.
type ProtectOptions struct {
	In, Out string
	Stdout  io.Writer
}

// Protect encrypts a file for sharing under a fresh one-time passphrase
// and prints the passphrase once, the text for the e-mail and the
// sender's reminder. The passphrase is printed and nowhere else: not
// logged, not stored.
func Protect(ctx context.Context, o ProtectOptions) error {
	res, err := protect.Protect(ctx, o.In, protect.Options{Out: o.Out})
	if err != nil {
		return err
	}
	msg := protect.Instructions(res)
	w := &errWriter{w: o.Stdout}
	form := "an encrypted Excel workbook (AES-256)"
	if res.Kind == protect.Archive {
		form = "an encrypted zip archive (AES-256)"
	}
	w.printf("Encrypted %s as %s:\n  %s\n", filepath.Base(o.In), form, res.Path)
	if res.Note != "" {
		w.printf("  (%s)\n", res.Note)
	}
	w.printf("\nPassword, for this file only (it is not saved anywhere and cannot be shown again):\n\n    %s\n\n", res.Passphrase)
	w.printf("Send the password by text message or read it out by phone: never by e-mail.\n\n")
	w.printf("---- text for the e-mail that carries the file ----\n%s---- end ----\n\n", msg.Email)
	w.printf("%s", msg.Reminder)
	return w.err
}
