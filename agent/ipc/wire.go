// Package ipc is the local API between the agent (the server, running as
// root or SYSTEM) and the per-user desktop helper and `dataward status`
// (the clients). The transport is a Unix socket on Linux and macOS and a
// named pipe on Windows; the caller's identity always comes from the
// kernel (SO_PEERCRED, LOCAL_PEERCRED, the pipe client's token), never from
// anything the client says. Messages are JSON objects, one per line.
package ipc

import (
	"errors"
	"time"
)

// Limits of the protocol: a hostile client can neither make the agent hold
// much memory nor keep it waiting.
const (
	MaxMessage   = 64 << 10        // bytes in one message, newline included
	MaxResponse  = 16 << 20        // bytes in one response or notice: a client's bound
	ReadTimeout  = 5 * time.Second // to send one whole request once started
	IdleTimeout  = 30 * time.Second
	MaxConns     = 64 // connections served at once
	MaxPerPeer   = 8  // connections of one user at once
	WriteTimeout = 5 * time.Second
)

// Ops a client may ask for.
const (
	OpStatus    = "status"     // posture and the caller's pending deletions (all of them for an admin)
	OpSubscribe = "subscribe"  // keep the connection open and push Notices about the caller's files
	OpDeleteNow = "delete_now" // delete one of the caller's flagged files now
	OpExtend    = "extend"     // keep one of the caller's flagged files for another extension
	OpShown     = "shown"      // a warning Notice was shown to the user
)

// Request is what a client sends.
type Request struct {
	ID   uint64 `json:"id"`
	Op   string `json:"op"`
	Path string `json:"path,omitempty"` // for delete_now, extend, shown
	// Notice is the ID of the Notice that was shown, for OpShown.
	Notice uint64 `json:"notice,omitempty"`
}

// Response answers one Request.
type Response struct {
	ID    uint64 `json:"id"`
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	// Code names Error when it is one a client acts on: one of the Code
	// constants, or empty.
	Code   string  `json:"error_code,omitempty"`
	Status *Status `json:"status,omitempty"`
	// Pending is the file as it is after delete_now or extend.
	Pending *Pending `json:"pending,omitempty"`
}

// Codes of the errors a client acts on, carried in Response.Code.
const (
	CodeNotYours         = "not_yours"
	CodeNotFound         = "not_found"
	CodeNoExtensionsLeft = "no_extensions_left"
)

// ErrNotYours is a Handler's answer when the file is another user's.
var ErrNotYours = errors.New("the file belongs to another user")

// ErrNotFound is a Handler's answer when no pending file has that path.
var ErrNotFound = errors.New("no pending file with that path")

// ErrNoExtensionsLeft is a Handler's answer when the file was already kept
// as often as the policy allows.
var ErrNoExtensionsLeft = errors.New("no extensions left")

// ErrNotRunning is a Client's error when nothing serves the endpoint.
var ErrNotRunning = errors.New("the dataward agent is not running")

// ErrInUse is Listen's error when another process already serves the
// endpoint: a running agent, or on Windows possibly a squatter.
var ErrInUse = errors.New("endpoint already served by another process")

// codeErrs maps each Code constant to its error, for both ends.
var codeErrs = map[string]error{
	CodeNotYours:         ErrNotYours,
	CodeNotFound:         ErrNotFound,
	CodeNoExtensionsLeft: ErrNoExtensionsLeft,
}

// Status is the agent's posture and the pending deletions the caller may see.
type Status struct {
	Version  string    `json:"version"`
	Started  time.Time `json:"started"`
	Watching []string  `json:"watching"` // the watched folders the caller may see
	Pending  []Pending `json:"pending"`
	// Encryption and USB are filled by their features; empty until then.
	Encryption []Volume `json:"encryption"`
	USB        []Volume `json:"usb"`
}

// Volume is one volume's posture (disk encryption or USB blocking).
type Volume struct {
	Mount   string `json:"mount"`
	Device  string `json:"device,omitempty"`
	Role    string `json:"role,omitempty"` // system, home, data
	State   string `json:"state"`
	Method  string `json:"method,omitempty"`
	Percent int    `json:"percent,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Fix     string `json:"fix,omitempty"`
	// USB and removable volumes only: the device's IDs (what usb.allow
	// matches) and what the volume scan found.
	Vendor  string `json:"vendor,omitempty"`
	Product string `json:"product,omitempty"`
	Serial  string `json:"serial,omitempty"`
	Scan    string `json:"scan,omitempty"` // scanning, done, incomplete, off
	// Personal counts the files holding personal data the scan found.
	Personal int `json:"personal_files,omitempty"`
}

// Pending is one flagged file awaiting deletion.
type Pending struct {
	Path           string    `json:"path"`
	Owner          string    `json:"owner"`
	Records        int       `json:"records"`
	Signals        []string  `json:"signals"`
	FirstSeen      time.Time `json:"first_seen"`
	Deadline       time.Time `json:"deadline"`
	DeleteAt       time.Time `json:"delete_at"` // zero until a warning was given
	Extensions     int       `json:"extensions"`
	ExtensionsLeft int       `json:"extensions_left"`
}

// Notice kinds, pushed to subscribers.
const (
	NoticeFlagged = "flagged" // a file was flagged
	NoticeWarning = "warning" // a file will be deleted soon
	NoticeDeleted = "deleted" // a file was deleted
	NoticePosture = "posture" // disk encryption or USB needs the user's attention
	NoticePending = "pending" // the list of pending deletions changed: ask for status again
)

// Notice is pushed by the server on a subscribed connection. It is never a
// Response: it has no request ID and carries Kind.
type Notice struct {
	Notice uint64        `json:"notice"` // unique; OpShown refers to it
	Kind   string        `json:"kind"`
	File   *Pending      `json:"file,omitempty"`
	Lead   time.Duration `json:"lead,omitempty"` // for warnings: how long before the deadline
	Title  string        `json:"title,omitempty"`
	Body   string        `json:"body,omitempty"` // posture messages: the text to show
}

// Peer is who is on the other end, as the kernel says.
type Peer struct {
	UID   int    // Unix uid; -1 on Windows
	SID   string // Windows user SID; "" elsewhere
	User  string // user name, for the audit log
	Admin bool   // root, or a member of Administrators
}
