// Legacy: the SafeHtml wrapper of markup built before the web interface became components. Nothing here
// builds markup any more; it stays only while a legacy door (bulkForm, deliveryTable, chartsSection) returns
// one, and goes with the last of them.
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
