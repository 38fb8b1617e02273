// The build-time module of type declarations for the editor (see ../npm-types.ts).
declare module 'virtual:npm-types' {
  /** [path, text] of every declaration file the editor knows. */
  const files: Array<[string, string]>;
  export default files;
}
