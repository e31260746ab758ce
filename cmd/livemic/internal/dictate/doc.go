// Package dictate turns recognised spoken-form words into dictated text:
// spoken punctuation ("comma", "period" or "full stop", "question mark",
// "new line", "new paragraph") becomes the mark it names, and sentences
// start with a capital.
//
// The conventions are those of desktop dictation (Dragon NaturallySpeaking,
// macOS Dictation): a punctuation command is a word the recogniser hears
// like any other, so it is rewritten after recognition, not in the search.
// The price is the same as theirs: the word "period" itself cannot be
// dictated (livemic --raw skips the Formatter and keeps the words).
//
// A [Formatter] keeps the sentence state between utterances, since a
// dictated sentence often spans a pause: "hello comma" then "how are you
// question mark" gives "Hello," and "how are you?".
//
// [New] adds the punctuation model of issue 13 (package punct), in its
// streaming variant: words are tagged with the mark that follows them and
// their case, each once three more words have come, so a partial shows its
// stable words tagged exactly as the final will. At the end of an
// utterance the tagger ends it with a sentence mark (punct.Stream.Flush),
// as transcribe ends each text. What the speaker dictates wins: a spoken
// command replaces the mark the tagger chose for the word before it, and
// a capital the tagger gave a word only as a sentence start goes when the
// dictated text carries the sentence on ("hello comma" then "how are
// you").
package dictate
