/**
 * The contracts the stages after the music share: the whole box's state ({@link io.moodbox.box.BoxState}
 * in a {@link io.moodbox.box.StateModel}, observed through {@link io.moodbox.box.StateListener} by the
 * LED, the page and the console) and the owner's commands ({@link io.moodbox.box.Controls}). It names
 * only the stage records that state carries; {@code app} implements and wires it.
 */
package io.moodbox.box;
