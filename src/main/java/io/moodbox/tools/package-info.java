/**
 * Developer commands, after the app in the package chain: {@code moodbox bench} (the seeing
 * half's speed and accuracy, {@link io.moodbox.tools.Bench}), {@code moodbox eval} (the emotion
 * model on FER2013 PrivateTest) and {@code moodbox classify} (faces and expressions in pictures).
 * They use the stages' public faces only. Nothing in the runtime refers to this package
 * (ArchitectureTest): {@code app.Main} finds {@link io.moodbox.tools.Commands} through
 * ServiceLoader.
 */
package io.moodbox.tools;
