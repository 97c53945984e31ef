package usb

const isLinux = true
