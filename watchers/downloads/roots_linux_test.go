package downloads

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// users writes passwd and login.defs so that alice, the test's own uid, is
// a regular user, and daemon is not.
func (f fixture) users() (uid int) {
	uid = os.Getuid()
	f.file("etc/login.defs", fmt.Sprintf("# shadow-utils\nUID_MIN\t\t%d\nUID_MAX\t\t%d\nGID_MIN 1000\n", uid, uid+100))
	f.file("etc/passwd", fmt.Sprintf("daemon:x:%d:1:daemon:/home/daemon:/usr/sbin/nologin\n"+
		"# a comment\n+nis::::::\nbroken line\n"+
		"alice:x:%d:%d:Alice:/home/alice:/bin/bash\n", uid+200, uid, uid))
	f.dir("home/daemon/Downloads")
	f.dir("home/alice")
	f.dir("home/bob/Downloads")
	f.file("home/bob/.config/user-dirs.dirs", `XDG_DOWNLOAD_DIR="/home/bob/Downloads"`+"\n")
	return uid
}

func userDirs(value string) string {
	return "# This file is written by xdg-user-dirs-update\n" +
		"XDG_DESKTOP_DIR=\"$HOME/Desktop\"\n" +
		"XDG_DOWNLOAD_DIR=" + value + "\n" +
		"XDG_DOCUMENTS_DIR=\"$HOME/Documents\"\n"
}

func TestFindRootsLinux(t *testing.T) {
	t.Parallel()
	const home = "home/alice"
	tests := []struct {
		name    string
		setup   func(f fixture, uid int)
		want    string // alice's root, inside the fixture; "" for none
		wantErr error  // wrapped by FindRoots' error beside ErrSkipped
	}{
		{"default", func(f fixture, _ int) { f.dir(home + "/Downloads") }, home + "/Downloads", nil},
		{"nothing exists yet", func(fixture, int) {}, home + "/Downloads", nil},
		{"localized name", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/Téléchargements"`))
			f.dir(home + "/Téléchargements")
		}, home + "/Téléchargements", nil},
		{"escapes", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/My \"D\\L\" \$x"`))
			f.dir(home + `/My "D\L" $x`)
		}, home + `/My "D\L" $x`, nil},
		{"absolute path inside home", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"/home/alice/dl"`))
			f.dir(home + "/dl")
		}, home + "/dl", nil},
		{"last assignment wins", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", "# XDG_DOWNLOAD_DIR=\"$HOME/c\"\nXDG_DOWNLOAD_DIR=\"$HOME/a\"\n  XDG_DOWNLOAD_DIR=\"$HOME/b\"\n")
			f.dir(home + "/a")
			f.dir(home + "/b")
		}, home + "/b", nil},
		{"configured missing, default exists", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/Later"`))
			f.dir(home + "/Downloads")
		}, home + "/Downloads", nil},
		{"configured and default missing", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/Later"`))
		}, home + "/Later", nil},
		{"hostile /etc", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"/etc"`))
			f.dir("etc")
			f.dir(home + "/Downloads")
		}, home + "/Downloads", errOutside},
		{"the root folder", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"/"`))
		}, home + "/Downloads", errOutside},
		{"dot-dot into another home", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/../bob/Downloads"`))
		}, home + "/Downloads", errOutside},
		{"home itself", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/"`))
		}, home + "/Downloads", errOutside},
		{"link to another user's folder", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/dl"`))
			f.link(home+"/dl", "home/bob/Downloads")
			f.dir(home + "/Downloads")
		}, home + "/Downloads", errNotRealDir},
		{"link in the middle", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/a/Downloads"`))
			f.link(home+"/a", "home/bob")
		}, home + "/Downloads", errNotRealDir},
		{"Downloads is a link", func(f fixture, _ int) {
			f.link(home+"/Downloads", "home/bob/Downloads")
		}, "", errNotRealDir},
		{"user-dirs.dirs is a link", func(f fixture, _ int) {
			f.link(home+"/.config/user-dirs.dirs", "home/bob/.config/user-dirs.dirs")
		}, home + "/Downloads", errNotRealFile},
		{"user-dirs.dirs is a FIFO", func(f fixture, _ int) {
			f.dir(home + "/.config")
			require.NoError(f.t, unix.Mkfifo(f.path(home+"/.config/user-dirs.dirs"), 0o644))
		}, home + "/Downloads", errNotRealFile},
		{"user-dirs.dirs too large", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", strings.Repeat("#", maxUserDirs)+"\n"+userDirs(`"$HOME/x"`))
		}, home + "/Downloads", ErrSkipped},
		{"unquoted", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`$HOME/x`))
		}, home + "/Downloads", ErrSkipped},
		{"another variable", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/$USER"`))
		}, home + "/Downloads", ErrSkipped},
		{"command substitution", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs("\"$HOME/`id`\""))
		}, home + "/Downloads", ErrSkipped},
		{"relative", func(f fixture, _ int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"Downloads"`))
		}, home + "/Downloads", errNotAbs},
		{"Downloads owned by someone else", func(f fixture, uid int) {
			f.dir(home + "/Downloads")
			f.chown(home+"/Downloads", uid+1)
		}, "", errNotOwned},
		{"configured folder owned by someone else", func(f fixture, uid int) {
			f.file(home+"/.config/user-dirs.dirs", userDirs(`"$HOME/dl"`))
			f.dir(home + "/dl")
			f.chown(home+"/dl", uid+1)
		}, home + "/Downloads", errNotOwned},
		{"home owned by someone else", func(f fixture, uid int) {
			f.dir(home + "/Downloads")
			f.chown(home, uid+1)
		}, "", errNotOwned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			uid := f.users()
			tt.setup(f, uid)
			roots, err := FindRoots(System{Root: f.root}, FindOptions{Downloads: true})
			if tt.wantErr == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, ErrSkipped)
				require.ErrorIs(t, err, tt.wantErr)
				require.ErrorContains(t, err, "user alice")
			}
			if tt.want == "" {
				require.Empty(t, roots)
				return
			}
			require.Equal(t, []Root{{Path: f.path(tt.want), User: "alice", UID: uid, Source: SourceDownloads}}, roots)
		})
	}
}

func TestFindRootsLinuxNoPasswd(t *testing.T) {
	t.Parallel()
	_, err := FindRoots(System{Root: t.TempDir()}, FindOptions{Downloads: true})
	require.Error(t, err)
	require.NotErrorIs(t, err, ErrSkipped, "without users there is nothing to watch: not a partial result")
}

func TestParseLoginDefs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		data   string
		lo, hi int
	}{
		{"empty", "", 1000, 60000},
		{"set", "UID_MIN 500\nUID_MAX\t\t29999\n", 500, 29999},
		{"commented out", "#UID_MIN 500\nUID_MIN bad\n", 1000, 60000},
	}
	for _, tt := range tests {
		lo, hi := parseLoginDefs([]byte(tt.data))
		require.Equal(t, [2]int{tt.lo, tt.hi}, [2]int{lo, hi}, tt.name)
	}
}

func TestWatchDownloadsCreatedLater(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	uid := f.users()
	h := start(t, Options{System: System{Root: f.root}, Find: FindOptions{Downloads: true}})
	file := f.path("home/alice/Downloads/export.csv")
	write(t, file, "a,b\n") // after start: only a rediscovery finds the folder
	h.until("alice's file", h.has(Ready, file))
	root := Root{Path: f.path("home/alice/Downloads"), User: "alice", UID: uid, Source: SourceDownloads}
	require.Equal(t, root, h.got[len(h.got)-1].Root)
	require.Equal(t, []Root{root}, h.w.Roots(), "daemon is not a regular user")
}
