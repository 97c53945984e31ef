package desktop

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// iconSize is the icon's edge in pixels; tray hosts scale it.
const iconSize = 32

// iconPNG is the tray icon: a white arrow into a tray on a blue disc, drawn
// here so the binary carries no asset files.
var iconPNG = sync.OnceValue(func() []byte {
	img := image.NewNRGBA(image.Rect(0, 0, iconSize, iconSize))
	blue := color.NRGBA{R: 0x1f, G: 0x5f, B: 0xa8, A: 0xff}
	white := color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xff}
	c := float64(iconSize-1) / 2
	for y := range iconSize {
		for x := range iconSize {
			dx, dy := float64(x)-c, float64(y)-c
			if dx*dx+dy*dy <= c*c {
				img.Set(x, y, blue)
			}
		}
	}
	fill := func(x0, y0, x1, y1 int) {
		for y := y0; y < y1; y++ {
			for x := x0; x < x1; x++ {
				img.Set(x, y, white)
			}
		}
	}
	fill(14, 6, 18, 17) // the arrow's shaft
	for i := range 6 {  // its head
		fill(10+i, 16+i, 22-i, 17+i)
	}
	fill(8, 23, 24, 25) // the tray
	fill(8, 19, 10, 25)
	fill(22, 19, 24, 25)
	var b bytes.Buffer
	_ = png.Encode(&b, img) // encoding to memory does not fail
	return b.Bytes()
})

// icoFromPNG wraps a PNG in an .ico container, as Windows' LoadImage
// wants a file of icons; .ico may hold PNG images since Windows Vista.
func icoFromPNG(p []byte, size int) []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	_ = binary.Write(&b, le, [3]uint16{0, 1, 1}) // reserved, type icon, one image
	dim := byte(size)
	if size >= 256 {
		dim = 0 // 0 means 256
	}
	b.Write([]byte{dim, dim, 0, 0})                         // width, height, palette, reserved
	_ = binary.Write(&b, le, [2]uint16{1, 32})              // planes, bits per pixel
	_ = binary.Write(&b, le, [2]uint32{uint32(len(p)), 22}) // bytes, offset after this header
	b.Write(p)
	return b.Bytes()
}
