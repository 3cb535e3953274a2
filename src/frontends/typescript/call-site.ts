// A call or `new` expression with what the passes read from its callee, read
// once. Several passes look at every call (scope, test blocks, model matching,
// releases, the call graph, floating promises), and each read of a node's
// type, text or field crosses into the parser (a field read also makes a new
// node object). The tree does not change while a file is extracted, so the
// answers do not either.
import type { SyntaxNode } from '../../parse/syntax.js';
import { memberPath } from './qualify.js';

const UNREAD = Symbol('unread');
type Memo<T> = T | typeof UNREAD;

export class CallSite {
  private calleeNode: Memo<SyntaxNode | null> = UNREAD;
  private calleeTypeName: Memo<string | undefined> = UNREAD;
  private identifierName: Memo<string | undefined> = UNREAD;
  private propertyName: Memo<string | undefined> = UNREAD;
  private pathParts: Memo<string[] | undefined> = UNREAD;

  /** `type`: the node's type, `call_expression` or `new_expression`. */
  constructor(
    readonly node: SyntaxNode,
    readonly type: string,
  ) {}

  get isNew(): boolean {
    return this.type === 'new_expression';
  }

  /** The `function` of a call, the `constructor` of a `new`. */
  get callee(): SyntaxNode | null {
    if (this.calleeNode === UNREAD) this.calleeNode = this.node.childForFieldName(this.isNew ? 'constructor' : 'function');
    return this.calleeNode;
  }

  get calleeType(): string | undefined {
    if (this.calleeTypeName === UNREAD) this.calleeTypeName = this.callee?.type;
    return this.calleeTypeName;
  }

  /** The callee's text when it is a bare identifier (`setInterval`, `require`). */
  get identifier(): string | undefined {
    if (this.identifierName === UNREAD) this.identifierName = this.calleeType === 'identifier' ? this.callee!.text : undefined;
    return this.identifierName;
  }

  /** The property's text when the callee is a member expression (`spawn` in `cp.spawn`). */
  get property(): string | undefined {
    if (this.propertyName === UNREAD) this.propertyName = this.calleeType === 'member_expression' ? this.callee!.childForFieldName('property')?.text : undefined;
    return this.propertyName;
  }

  /** `memberPath` of the callee. Callers must not change the array. */
  get path(): string[] | undefined {
    if (this.pathParts === UNREAD) this.pathParts = this.callee ? memberPath(this.callee, this.calleeType) : undefined;
    return this.pathParts;
  }
}
