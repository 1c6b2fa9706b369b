/** Bad input from the user (a name, a value, a file): reported in one line with exit code 2. */
export class InputError extends Error {}
