package desktop

import (
	"unsafe"

	"github.com/rs/zerolog"
	"golang.org/x/sys/windows"
)

var (
	kernel32                  = windows.NewLazySystemDLL("kernel32.dll")
	procGetConsoleProcessList = kernel32.NewProc("GetConsoleProcessList")
	procFreeConsole           = kernel32.NewProc("FreeConsole")
)

// leaveOwnConsole closes the console window Windows opens for the helper
// when the Run key starts it at logon (dataward.exe is a console program,
// so it gets a console of its own). A console shared with another process
// (the helper started from a terminal) is kept, so its log stays visible.
// GetConsoleProcessList returns how many processes are attached to the
// console; only this one means the console is ours alone.
func leaveOwnConsole(log zerolog.Logger) {
	var pids [2]uint32
	n, _, err := procGetConsoleProcessList.Call(uintptr(unsafe.Pointer(&pids[0])), uintptr(len(pids)))
	if n != 1 {
		if n == 0 {
			log.Debug().Err(err).Msg("no console to leave")
		}
		return
	}
	if ok, _, err := procFreeConsole.Call(); ok == 0 {
		log.Debug().Err(err).Msg("leaving the console")
	}
}
