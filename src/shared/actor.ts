// Who does a thing, as the domain sees it: a user id and whether that user is a treasurer. The HTTP
// layer's signed-in user (a token or a session) is one; domain code never sees the HTTP user type.
export interface Actor {
  id: number;
  isTreasurer: boolean;
}
