declare module '*.csv' {
  const text: string;
  export default text;
}
declare module '*.zsav' {
  const bytes: Uint8Array;
  export default bytes;
}
