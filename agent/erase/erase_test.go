package erase

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	personal = "Name;IBAN\nAda Lovelace;FR7630006000011234567890189\n"
	secret   = "root:$6$notreally$hash:19000:0:99999:7:::\n"
)

// fixture is a user's folder (root) and, beside it, a file the agent must
// never touch (secret, standing in for /etc/shadow or another user's file).
type fixture struct {
	root, outside, secret string
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	base := t.TempDir()
	fx := fixture{root: filepath.Join(base, "Downloads"), outside: filepath.Join(base, "other")}
	fx.secret = filepath.Join(fx.outside, "shadow")
	require.NoError(t, os.Mkdir(fx.root, 0o700))
	require.NoError(t, os.Mkdir(fx.outside, 0o700))
	require.NoError(t, os.WriteFile(fx.secret, []byte(secret), 0o600))
	return fx
}

// write creates rel beneath root (and its folders) and returns its path.
func (fx fixture) write(t testing.TB, rel, content string) string {
	t.Helper()
	p := filepath.Join(fx.root, filepath.FromSlash(rel))
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o700))
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

// check fails unless secret is intact and no random name from a rename is
// left beneath root.
func (fx fixture) check(t *testing.T) {
	t.Helper()
	requireContent(t, fx.secret, secret)
	require.NoError(t, filepath.WalkDir(fx.root, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		require.False(t, strings.HasPrefix(d.Name(), ".dataward-"), "leftover %s", p)
		return nil
	}))
}

func requireContent(t *testing.T, path, want string) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(got), path)
}

// symlink makes a symbolic link, skipping the test where the OS does not
// let this user (Windows without Developer Mode or the privilege).
func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("cannot create symbolic links here: %v", err)
	}
}

func TestEraseDeletes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, rel, content string
	}{
		{"top level", "f.csv", personal},
		{"nested", "a/b/f.csv", personal},
		{"OS separators", filepath.Join("a", "b", "f.csv"), personal},
		{"dot and empty components", "./a//f.csv", personal},
		{"empty file", "empty.csv", ""},
		{"a chunk and a byte", "big.bin", strings.Repeat("x", chunk+1)},
		{"spaces and accents", "Téléchargé le 1 mai.pdf", personal},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			p := fx.write(t, tc.rel, tc.content)
			id, err := Identify(fx.root, tc.rel)
			require.NoError(t, err)
			require.Equal(t, int64(len(tc.content)), id.Size)
			require.Equal(t, uint64(1), id.Nlink)
			require.Len(t, id.SHA256, 64)

			rep, err := Erase(fx.root, tc.rel, id)
			require.NoError(t, err)
			require.Equal(t, int64(len(tc.content)), rep.Bytes)
			require.True(t, rep.Overwritten, rep.Note)
			_, err = os.Lstat(p)
			require.ErrorIs(t, err, fs.ErrNotExist)
			left, err := os.ReadDir(filepath.Dir(p))
			require.NoError(t, err)
			require.Empty(t, left)
			fx.check(t)
		})
	}
}

func TestEraseRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		rel    string // flagged with personal content, then tampered with
		tamper func(t *testing.T, fx fixture, path string)
		want   error
		after  func(t *testing.T, fx fixture, path string) // beyond fx.check
	}{
		{
			name: "symlink to a file outside",
			tamper: func(t *testing.T, fx fixture, p string) {
				require.NoError(t, os.Remove(p))
				symlink(t, fx.secret, p)
			},
			want: ErrReplaced,
		},
		{
			name: "symlink to the flagged file itself",
			tamper: func(t *testing.T, fx fixture, p string) {
				require.NoError(t, os.Rename(p, filepath.Join(fx.outside, "moved")))
				symlink(t, filepath.Join(fx.outside, "moved"), p)
			},
			want: ErrReplaced,
			after: func(t *testing.T, fx fixture, _ string) {
				requireContent(t, filepath.Join(fx.outside, "moved"), personal)
			},
		},
		{
			name: "symlinked folder above",
			rel:  "sub/f.csv",
			tamper: func(t *testing.T, fx fixture, p string) {
				// The link leads to the very file flagged: only the link is wrong.
				sub := filepath.Dir(p)
				require.NoError(t, os.Rename(sub, filepath.Join(fx.outside, "sub")))
				symlink(t, filepath.Join(fx.outside, "sub"), sub)
			},
			want: ErrReplaced,
			after: func(t *testing.T, fx fixture, _ string) {
				requireContent(t, filepath.Join(fx.outside, "sub", "f.csv"), personal)
			},
		},
		{
			name: "hard link added",
			tamper: func(t *testing.T, fx fixture, p string) {
				require.NoError(t, os.Link(p, filepath.Join(fx.outside, "link")))
			},
			want: ErrHardlinked,
			after: func(t *testing.T, fx fixture, p string) {
				requireContent(t, p, personal)
				requireContent(t, filepath.Join(fx.outside, "link"), personal)
			},
		},
		{
			name: "changed in place, mtime put back",
			tamper: func(t *testing.T, fx fixture, p string) {
				st, err := os.Stat(p)
				require.NoError(t, err)
				f, err := os.OpenFile(p, os.O_WRONLY, 0)
				require.NoError(t, err)
				_, err = f.WriteAt([]byte("X"), 3)
				require.NoError(t, err)
				require.NoError(t, f.Close())
				require.NoError(t, os.Chtimes(p, st.ModTime(), st.ModTime()))
			},
			want: ErrChanged,
			after: func(t *testing.T, fx fixture, p string) {
				requireContent(t, p, personal[:3]+"X"+personal[4:])
			},
		},
		{
			name: "appended to",
			tamper: func(t *testing.T, fx fixture, p string) {
				f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
				require.NoError(t, err)
				_, err = f.WriteString("more\n")
				require.NoError(t, err)
				require.NoError(t, f.Close())
			},
			want: ErrChanged,
			after: func(t *testing.T, fx fixture, p string) {
				requireContent(t, p, personal+"more\n")
			},
		},
		{
			name: "another file renamed over it",
			tamper: func(t *testing.T, fx fixture, p string) {
				other := filepath.Join(fx.root, "new.csv")
				require.NoError(t, os.WriteFile(other, []byte(personal), 0o600))
				require.NoError(t, os.Rename(other, p))
			},
			want: ErrReplaced,
			after: func(t *testing.T, fx fixture, p string) {
				requireContent(t, p, personal)
			},
		},
		{
			name: "a folder now",
			tamper: func(t *testing.T, fx fixture, p string) {
				require.NoError(t, os.Remove(p))
				require.NoError(t, os.Mkdir(p, 0o700))
			},
			want: ErrNotRegular,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			rel := tc.rel
			if rel == "" {
				rel = "f.csv"
			}
			p := fx.write(t, rel, personal)
			id, err := Identify(fx.root, rel)
			require.NoError(t, err)
			tc.tamper(t, fx, p)

			rep, err := Erase(fx.root, rel, id)
			require.ErrorIs(t, err, tc.want)
			require.Equal(t, Report{}, rep)
			name := Reason(tc.want)
			require.Equal(t, name, Reason(err), "%v", err)
			fx.check(t)
			if tc.after != nil {
				tc.after(t, fx, p)
			}
		})
	}
}

func TestEraseRefusesAnotherIdentity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*Identity)
		want error
	}{
		{"another device", func(id *Identity) { id.Dev++ }, ErrOtherDevice},
		{"another inode", func(id *Identity) { id.Ino++ }, ErrReplaced},
		{"another size", func(id *Identity) { id.Size++ }, ErrChanged},
		{"another mtime", func(id *Identity) { id.ModTime = id.ModTime.Add(time.Nanosecond) }, ErrChanged},
		{"another digest", func(id *Identity) { id.SHA256 = strings.Repeat("0", 64) }, ErrChanged},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			p := fx.write(t, "f.csv", personal)
			id, err := Identify(fx.root, "f.csv")
			require.NoError(t, err)
			tc.edit(&id)
			_, err = Erase(fx.root, "f.csv", id)
			require.ErrorIs(t, err, tc.want)
			requireContent(t, p, personal)
		})
	}
}

func TestEraseMissingFile(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	p := fx.write(t, "f.csv", personal)
	id, err := Identify(fx.root, "f.csv")
	require.NoError(t, err)
	require.NoError(t, os.Remove(p))
	_, err = Erase(fx.root, "f.csv", id)
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.Equal(t, "error", Reason(err))
}

func TestIdentifyRefuses(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		prepare func(t *testing.T, fx fixture) (root, rel string)
		want    error
	}{
		{
			name: "symlink to a file outside",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				symlink(t, fx.secret, filepath.Join(fx.root, "f.csv"))
				return fx.root, "f.csv"
			},
			want: ErrReplaced,
		},
		{
			name: "symlinked folder above",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				symlink(t, fx.outside, filepath.Join(fx.root, "sub"))
				return fx.root, "sub/shadow"
			},
			want: ErrReplaced,
		},
		{
			name: "symlinked folder deeper",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				require.NoError(t, os.Mkdir(filepath.Join(fx.root, "a"), 0o700))
				symlink(t, fx.outside, filepath.Join(fx.root, "a", "b"))
				return fx.root, "a/b/shadow"
			},
			want: ErrReplaced,
		},
		{
			name: "the root is a symlink",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				link := filepath.Join(filepath.Dir(fx.root), "Link")
				symlink(t, fx.outside, link)
				return link, "shadow"
			},
			want: ErrReplaced,
		},
		{
			name: "hard linked",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				require.NoError(t, os.Link(fx.secret, filepath.Join(fx.root, "f.csv")))
				return fx.root, "f.csv"
			},
			want: ErrHardlinked,
		},
		{
			name: "a folder",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				require.NoError(t, os.Mkdir(filepath.Join(fx.root, "d"), 0o700))
				return fx.root, "d"
			},
			want: ErrNotRegular,
		},
		{
			name: "a file where a folder should be",
			prepare: func(t *testing.T, fx fixture) (string, string) {
				fx.write(t, "a", personal)
				return fx.root, "a/f.csv"
			},
			want: ErrReplaced,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fx := newFixture(t)
			root, rel := tc.prepare(t, fx)
			_, err := Identify(root, rel)
			require.ErrorIs(t, err, tc.want)
			requireContent(t, fx.secret, secret)
		})
	}
}

func TestOutsideRoot(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	fx.write(t, "f.csv", personal)
	id, err := Identify(fx.root, "f.csv")
	require.NoError(t, err)
	abs, err := filepath.Abs(fx.secret)
	require.NoError(t, err)
	for _, rel := range []string{"", ".", "./", "..", "../other/shadow", "a/../../other/shadow", "f.csv/..", abs, "/f.csv", "f\x00.csv"} {
		t.Run(fmt.Sprintf("%q", rel), func(t *testing.T) {
			t.Parallel()
			_, err := Identify(fx.root, rel)
			require.ErrorIs(t, err, ErrOutsideRoot)
			_, err = Erase(fx.root, rel, id)
			require.ErrorIs(t, err, ErrOutsideRoot)
			require.Equal(t, "outside_root", Reason(err))
			requireContent(t, fx.secret, secret)
		})
	}
	_, err = Identify("Downloads", "f.csv")
	require.ErrorContains(t, err, "not absolute")
	_, err = Erase(fx.root, "f.csv", Identity{})
	require.ErrorContains(t, err, "no SHA-256")
	requireContent(t, filepath.Join(fx.root, "f.csv"), personal)
}

func TestSplitRel(t *testing.T) {
	t.Parallel()
	posix := pathRules{seps: "/"}
	win := pathRules{seps: `\/`, forbidden: ":"}
	cases := []struct {
		rel   string
		rules pathRules
		want  []string // nil: ErrOutsideRoot
	}{
		{"f", posix, []string{"f"}},
		{"a/b/f", posix, []string{"a", "b", "f"}},
		{"./a//b/./f/", posix, []string{"a", "b", "f"}},
		{`a\b`, posix, []string{`a\b`}},
		{"...", posix, []string{"..."}},
		{"..f", posix, []string{"..f"}},
		{"", posix, nil},
		{".", posix, nil},
		{"./.", posix, nil},
		{"/etc/shadow", posix, nil},
		{"..", posix, nil},
		{"a/../b", posix, nil},
		{"a/..", posix, nil},
		{"f\x00", posix, nil},
		{`a\b/f`, win, []string{"a", "b", "f"}},
		{`a\..\b`, win, nil},
		{`\Windows\System32`, win, nil},
		{`/Windows`, win, nil},
		{`\\server\share\f`, win, nil},
		{`C:\Windows`, win, nil},
		{`C:f`, win, nil},
		{`f.pdf:Zone.Identifier`, win, nil},
		{"a:b", posix, []string{"a:b"}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%q %q", tc.rules.seps, tc.rel), func(t *testing.T) {
			t.Parallel()
			got, err := splitRel(tc.rel, tc.rules)
			if tc.want == nil {
				require.ErrorIs(t, err, ErrOutsideRoot)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestReason(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{fmt.Errorf("erasing: %w", ErrOutsideRoot), "outside_root"},
		{fmt.Errorf("erasing: %w", fmt.Errorf("x: %w", ErrReplaced)), "replaced"},
		{ErrNotRegular, "not_regular"},
		{ErrHardlinked, "hardlinked"},
		{ErrOtherDevice, "other_device"},
		{ErrChanged, "changed"},
		{fmt.Errorf("open: %w", fs.ErrPermission), "error"},
		{errors.ErrUnsupported, "error"},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, Reason(tc.err), "%v", tc.err)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	mtime := time.Date(2026, 5, 1, 10, 0, 0, 123, time.UTC)
	ok := fileInfo{kind: kindRegular, dev: 7, ino: 42, nlink: 1, size: 3, mtime: mtime}
	want := &Identity{Dev: 7, Ino: 42, Size: 3, ModTime: mtime.Local()}
	with := func(edit func(*fileInfo)) fileInfo { fi := ok; edit(&fi); return fi }
	cases := []struct {
		name string
		got  fileInfo
		want *Identity
		err  error
	}{
		{"the flagged file", ok, want, nil},
		{"identify", ok, nil, nil},
		{"link", with(func(f *fileInfo) { f.kind = kindLink }), want, ErrReplaced},
		{"folder", with(func(f *fileInfo) { f.kind = kindDir }), want, ErrNotRegular},
		{"fifo", with(func(f *fileInfo) { f.kind = kindOther }), nil, ErrNotRegular},
		{"off the root's device", with(func(f *fileInfo) { f.dev = 8 }), nil, ErrOtherDevice},
		{"off the flagged device", ok, &Identity{Dev: 8, Ino: 42, Size: 3, ModTime: mtime}, ErrOtherDevice},
		{"another inode", ok, &Identity{Dev: 7, Ino: 43, Size: 3, ModTime: mtime}, ErrReplaced},
		{"another inode, hard linked", with(func(f *fileInfo) { f.nlink = 2 }), &Identity{Dev: 7, Ino: 43, Size: 3, ModTime: mtime}, ErrReplaced},
		{"hard linked", with(func(f *fileInfo) { f.nlink = 2 }), want, ErrHardlinked},
		{"hard linked, identify", with(func(f *fileInfo) { f.nlink = 2 }), nil, ErrHardlinked},
		{"another size", with(func(f *fileInfo) { f.size = 4 }), want, ErrChanged},
		{"another mtime", ok, &Identity{Dev: 7, Ino: 42, Size: 3, ModTime: mtime.Add(time.Nanosecond)}, ErrChanged},
		{"another size, identify", with(func(f *fileInfo) { f.size = 4 }), nil, nil},
	}
	for _, tc := range cases {
		err := verify(tc.got, 7, tc.want)
		if tc.err == nil {
			require.NoError(t, err, tc.name)
		} else {
			require.ErrorIs(t, err, tc.err, tc.name)
		}
	}
}

func TestRoundUp(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ n, block, want int64 }{
		{0, 4096, 0}, {1, 4096, 4096}, {4096, 4096, 4096}, {4097, 4096, 8192}, {5, 0, 5}, {5, -1, 5},
	} {
		require.Equal(t, tc.want, roundUp(tc.n, tc.block), "roundUp(%d, %d)", tc.n, tc.block)
	}
}

func TestRenameRandom(t *testing.T) {
	t.Parallel()
	clash := errors.New("exists")
	isClash := func(err error) bool { return err == clash }
	var tried []string
	got, err := renameRandom(func(to string) error {
		tried = append(tried, to)
		if len(tried) < 3 {
			return clash
		}
		return nil
	}, isClash)
	require.NoError(t, err)
	require.Len(t, tried, 3)
	require.Equal(t, tried[2], got)
	require.NotEqual(t, tried[0], tried[1])
	for _, n := range tried {
		require.Regexp(t, `^\.dataward-[A-Z2-7]{26}$`, n)
	}

	_, err = renameRandom(func(string) error { return clash }, isClash)
	require.ErrorContains(t, err, "all taken")
	denied := errors.New("denied")
	_, err = renameRandom(func(string) error { return denied }, isClash)
	require.ErrorIs(t, err, denied)
}

func TestOverwriteNote(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ fs, want string }{
		{"btrfs", "copy-on-write filesystem (btrfs): overwrite is best effort"},
		{"apfs", "copy-on-write filesystem (apfs): overwrite is best effort"},
		{"ReFS", "copy-on-write filesystem (refs): overwrite is best effort"},
		{"tmpfs", "memory filesystem (tmpfs): overwrite is best effort, old pages may remain in RAM or swap"},
		{"ext4", ""},
		{"NTFS", ""},
		{"", ""},
	} {
		require.Equal(t, tc.want, overwriteNote(tc.fs), tc.fs)
	}
	require.Equal(t, "NTFS sparse file: writes do not rewrite its clusters in place, deleted without overwrite", skipNote("sparse"))
}

func BenchmarkIdentify(b *testing.B) {
	fx := newFixture(b)
	const size = 100 << 20
	fx.write(b, "big.bin", string(bytes.Repeat([]byte{0xa5}, size)))
	b.SetBytes(size)
	for b.Loop() {
		if _, err := Identify(fx.root, "big.bin"); err != nil {
			b.Fatal(err)
		}
	}
}
