//go:build ignore

// Writes a password-encrypted XLSX with excelize (ECMA-376 standard
// encryption). Run by make-fixtures.sh as: go run excelize-fixture.go OUT
package main

import (
	"log"
	"os"

	"github.com/xuri/excelize/v2"
)

func main() {
	f := excelize.NewFile()
	for cell, v := range map[string]string{"A1": "name", "B1": "postcode", "A2": "Ada Example", "B2": "SW1A 1AA"} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			log.Fatal(err)
		}
	}
	if err := f.SaveAs(os.Args[1], excelize.Options{Password: "x"}); err != nil {
		log.Fatal(err)
	}
}
