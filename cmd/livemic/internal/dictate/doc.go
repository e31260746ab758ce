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
package dictate
