package desktop

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/registry"
)

// toastTimeout bounds one PowerShell run; starting it takes a second or two.
const toastTimeout = 30 * time.Second

func newNotifier(log zerolog.Logger) (Notifier, error) {
	return &toastNotifier{log: log}, nil
}

// toastNotifier shows toasts through Windows PowerShell. Toasts take no
// action callbacks here (that needs a COM activator): the tray menu offers
// the actions.
type toastNotifier struct {
	log zerolog.Logger
}

func (t *toastNotifier) Notify(ctx context.Context, n Notification) error {
	ctx, cancel := context.WithTimeout(ctx, toastTimeout)
	defer cancel()
	aumid := AppUserModelID
	if !aumidRegistered(aumid) {
		t.log.Debug().Str("aumid", aumid).Msg("app id not registered; toasts go out as powershell")
		aumid = powerShellAUMID
	}
	cmd := exec.CommandContext(ctx, powerShellPath(),
		"-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", encodedCommand(toastScript))
	cmd.Env = append(os.Environ(), "DATAWARD_TOAST_XML="+toastXML(n.Message, n.Urgent), "DATAWARD_TOAST_AUMID="+aumid)
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		line, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return fmt.Errorf("powershell toast: %w: %s", err, line)
	}
	return nil
}

func (t *toastNotifier) Close() error { return nil }

// powerShellPath is Windows PowerShell 5.1, by absolute path: the WinRT
// types the script needs are not in PowerShell 7.
func powerShellPath() string {
	root := os.Getenv("SystemRoot")
	if root == "" || !filepath.IsAbs(root) {
		root = `C:\Windows`
	}
	return filepath.Join(root, `System32\WindowsPowerShell\v1.0\powershell.exe`)
}

// aumidRegistered reports whether id is registered for the machine or
// the user.
func aumidRegistered(id string) bool {
	for _, root := range []registry.Key{registry.LOCAL_MACHINE, registry.CURRENT_USER} {
		k, err := registry.OpenKey(root, `Software\Classes\AppUserModelId\`+id, registry.QUERY_VALUE)
		if err == nil {
			_ = k.Close()
			return true
		}
	}
	return false
}
