import{a}from"./4ARNNX37.js";import"./WV4AGCKP.js";export{a as default};
