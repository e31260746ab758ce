package ssml_test

import (
	"fmt"

	"github.com/mynah-speech/mynah/tts/ssml"
)

func ExampleParse() {
	doc := `<speak>
  Call <say-as interpret-as="telephone">555-0123</say-as>.
  <break time="1s"/>
  <prosody rate="slow" pitch="-2st">Say <phoneme alphabet="arpabet" ph="T AH0 M AA1 T OW2">tomato</phoneme>.</prosody>
</speak>`
	phrases, err := ssml.Parse([]byte(doc))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range phrases {
		fmt.Printf("%q pause %v rate %.2f pitch %.3f\n", p.Text, p.Pause, p.Prosody.RateScale(), p.Prosody.PitchScale())
	}
	_, err = ssml.Parse([]byte("<speak>\n  <prosody rate='warp'>x</prosody>\n</speak>"))
	fmt.Println(err)
	// Output:
	// "call five five five , zero one two three ." pause 1s rate 1.00 pitch 1.000
	// "say tomato ." pause 0s rate 0.75 pitch 0.891
	// ssml:2:3: prosody rate: "warp": want a keyword, a percentage or a number
}
